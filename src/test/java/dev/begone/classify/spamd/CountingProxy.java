package dev.begone.classify.spamd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP relay in front of a real server that measures how many requests overlapped. Each connection
 * spans from accept to the moment the server's last byte arrived here: that window lies inside the client's
 * own request (it connects after taking its slot and cannot finish reading before that byte), so the peak
 * overlap seen here never overstates the client's concurrency. (The server's close comes later; it is not used.)
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final ConcurrentLinkedQueue<long[]> spans = new ConcurrentLinkedQueue<>();
    private final List<Thread> relays = new ArrayList<>();
    private final Thread acceptor;

    CountingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections relayed to the end so far. */
    int connections() {
        return spans.size();
    }

    /** The most connections that were between accept and the server's last byte at one time. */
    int peak() {
        List<long[]> events = new ArrayList<>();
        for (long[] s : spans) {
            events.add(new long[] {s[0], +1});
            events.add(new long[] {s[1], -1});
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int now = 0;
        int peak = 0;
        for (long[] e : events) {
            now += (int) e[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                long accepted = System.nanoTime();
                Thread t = Thread.ofVirtual().start(() -> relay(client, accepted));
                synchronized (relays) {
                    relays.add(t);
                }
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    private void relay(Socket client, long accepted) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            Thread up = Thread.ofVirtual().start(() -> copy(client, server));
            long lastByte = copyBack(server, client);
            spans.add(new long[] {accepted, lastByte});
            up.join(60_000);
        } catch (IOException e) {
            // upstream refused; the client sees a closed connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Relays the server's answer; returns when its last byte arrived. */
    private static long copyBack(Socket from, Socket to) {
        long last = System.nanoTime();
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                last = System.nanoTime();
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // the client went away after reading what it needed
        }
        return last;
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // the peer went away; the relay ends with it
        }
    }

    /** Stops accepting and waits (bounded) for the relays in progress. */
    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        acceptor.join(5000);
        synchronized (relays) {
            for (Thread t : relays) t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
