package dev.begone.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server that follows a script instead of a protocol, for peers that misbehave in ways no real server
 * does on demand: stop reading, never answer, announce what they never send. It serves at most
 * {@value #MAX_CONNECTIONS} connections, each on its own thread, and every wait in it is bounded.
 */
public final class ScriptedPeer implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 4;
    private static final int MAX_LINE = 64 * 1024;
    private static final long MAX_STALL_SECONDS = 120;

    /** What the peer does on one connection. */
    @FunctionalInterface
    public interface Script {
        void run(Conversation c) throws IOException, InterruptedException;
    }

    /** One connection as the script sees it. */
    public final class Conversation {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conversation(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** The next line without its CR LF, or null at end of stream. */
        public String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (line.size() >= MAX_LINE) throw new IOException("client line over " + MAX_LINE + " bytes");
                line.write(b);
            }
            if (b < 0 && line.size() == 0) return null;
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        /** Reads and drops exactly {@code n} bytes (or what comes before the end of stream). */
        public void skip(long n) throws IOException {
            long left = n;
            byte[] buffer = new byte[64 * 1024];
            while (left > 0) {
                int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (r < 0) return;
                left -= r;
            }
        }

        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Holds the connection open without reading or writing until the peer is closed (bounded). */
        public void stall() throws InterruptedException {
            closed.await(MAX_STALL_SECONDS, TimeUnit.SECONDS);
        }

        public Socket socket() {
            return socket;
        }
    }

    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private ScriptedPeer(ServerSocket listener, Script script) {
        this.listener = listener;
        Thread.ofPlatform().daemon().name("scripted-peer-accept").start(() -> accept(script));
    }

    /**
     * Listens on 127.0.0.1 at an ephemeral port.
     *
     * @param receiveBuffer the socket receive buffer, small to make a client's writes block soon; 0 for the default
     */
    public static ScriptedPeer start(int receiveBuffer, Script script) throws IOException {
        ServerSocket listener = new ServerSocket();
        if (receiveBuffer > 0) listener.setReceiveBufferSize(receiveBuffer);
        listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), MAX_CONNECTIONS);
        return new ScriptedPeer(listener, script);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Errors the script ran into, other than the client going away. */
    public List<Throwable> failures() {
        return failures;
    }

    private void accept(Script script) {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(s);
            Thread.ofPlatform().daemon().name("scripted-peer-" + i).start(() -> {
                try (s) {
                    script.run(new Conversation(s));
                } catch (IOException e) {
                    // The client hung up: that is how most scripts end.
                } catch (InterruptedException | RuntimeException e) {
                    failures.add(e);
                }
            });
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        listener.close();
        for (Socket s : sockets) s.close();
    }
}
