package dev.begone.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback TCP proxy in front of a server that misbehaves on purpose, by named {@link Policy}. The policy
 * can be changed while connections are open (it is read for every chunk), so a test can log in normally and
 * then have the connection die at the command under test.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 8;

    /** What the proxy does to the traffic. */
    public sealed interface Policy {
        /** Forwards everything. */
        record Pass() implements Policy {}

        /** Forwards {@code bytes} bytes from the server on each connection, then drops that connection. */
        record DropAfterBytesFromServer(long bytes) implements Policy {}

        /** Drops the connection, without forwarding it, when the client sends a line containing {@code text}. */
        record DropWhenClientSends(String text) implements Policy {}

        static Policy pass() {
            return new Pass();
        }

        static Policy dropAfterBytesFromServer(long bytes) {
            return new DropAfterBytesFromServer(bytes);
        }

        static Policy dropWhenClientSends(String text) {
            return new DropWhenClientSends(text);
        }
    }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final ExecutorService pumps = new ThreadPoolExecutor(
            2 * MAX_CONNECTIONS + 1, 2 * MAX_CONNECTIONS + 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1));
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger drops = new AtomicInteger();
    private volatile Policy policy;

    private FaultProxy(ServerSocket listener, int upstreamPort, Policy policy) {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
        this.policy = policy;
    }

    public static FaultProxy start(int upstreamPort, Policy policy) throws IOException {
        FaultProxy proxy = new FaultProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstreamPort, policy);
        proxy.pumps.execute(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void policy(Policy p) {
        policy = p;
    }

    /** How many connections a policy has dropped so far. */
    public int drops() {
        return drops.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // listener closed by close()
            }
            if (sockets.size() >= 2 * MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(server);
                AtomicLong fromServer = new AtomicLong();
                pumps.execute(() -> pump(client, server, true, fromServer));
                pumps.execute(() -> pump(server, client, false, fromServer));
            } catch (IOException | RejectedExecutionException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean clientToServer, AtomicLong fromServer) {
        byte[] buf = new byte[16384];
        StringBuilder line = new StringBuilder();
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                Policy p = policy;
                if (clientToServer && p instanceof Policy.DropWhenClientSends(String text)) {
                    line.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    if (line.indexOf(text) >= 0) {
                        drop(from, to);
                        return;
                    }
                    int lastNewline = line.lastIndexOf("\n");
                    if (lastNewline >= 0) line.delete(0, lastNewline + 1);
                } else if (!clientToServer && p instanceof Policy.DropAfterBytesFromServer(long limit)) {
                    long before = fromServer.getAndAdd(n);
                    if (before + n > limit) {
                        int allowed = (int) Math.max(0, limit - before);
                        out.write(buf, 0, allowed);
                        out.flush();
                        drop(from, to);
                        return;
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The other direction closed the sockets; nothing is left to forward.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void drop(Socket a, Socket b) {
        drops.incrementAndGet();
        closeQuietly(a);
        closeQuietly(b);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // cleanup path only
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        for (Socket s : sockets) closeQuietly(s);
        pumps.shutdown();
        if (!pumps.awaitTermination(10, TimeUnit.SECONDS)) {
            pumps.shutdownNow();
            throw new IOException("fault proxy threads did not stop within 10 s");
        }
    }
}
