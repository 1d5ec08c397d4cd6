package dev.begone.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of an IMAP server that misbehaves on purpose, by named {@link Policy}. The policy
 * can be changed while connections are open (it is read for every chunk), so a test can log in normally and
 * then have the connection die at the command under test.
 *
 * <p>The proxy follows the IMAP framing of both directions (lines and literals), so it knows where each client
 * command and each tagged answer begins. {@link #commands()} lists the commands of all connections since the
 * policy was last set, in the order the proxy saw them; the cut policies name one of them to cut at any command
 * boundary of a run.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 8;
    /** A line ending in a literal announcement: {@code {123}}, {@code {123+}} (LITERAL+) or {@code {123-}}. */
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)[+-]?}\r?\n$");
    /** A client line that starts a command: a tag, a space, a command name (not AUTHENTICATE data or IDLE's DONE). */
    private static final Pattern COMMAND = Pattern.compile("^([^ \r\n]+) ([A-Za-z]+)( ([A-Za-z]+))?");

    /** What the proxy does to the traffic. */
    public sealed interface Policy {
        /** Forwards everything. */
        record Pass() implements Policy {}

        /** Forwards {@code bytes} bytes from the server on each connection, then drops that connection. */
        record DropAfterBytesFromServer(long bytes) implements Policy {}

        /** Drops the connection, without forwarding it, when the client sends a line containing {@code text}. */
        record DropWhenClientSends(String text) implements Policy {}

        /**
         * The network goes down just before the {@code occurrence}-th command of this {@link #shape} reaches the
         * server: every connection is dropped and new ones are refused until the policy changes. The server never
         * sees it.
         */
        record CutBeforeCommand(String shape, int occurrence) implements Policy {}

        /**
         * The network goes down just after the server answered the {@code occurrence}-th command of this
         * {@link #shape}, before the client reads the tagged answer: the server did the work, and the client cannot
         * know. Every connection is dropped and new ones are refused until the policy changes.
         */
        record CutAfterAnswer(String shape, int occurrence) implements Policy {}

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

    /** One proxied connection; {@code tags} maps the tags of its commands in flight to their shape and occurrence. */
    private record Connection(Socket client, Socket server, AtomicLong fromServer, Map<String, Seen> tags) {}

    private record Seen(String shape, int occurrence) {}

    private final ServerSocket listener;
    private final int upstreamPort;
    /** Hands each pump to an idle thread or a new one: a queue would hold the second pump of a connection back. */
    private final ExecutorService pumps = new ThreadPoolExecutor(
            0, 2 * MAX_CONNECTIONS + 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger drops = new AtomicInteger();
    private final Object commandLock = new Object();
    private final List<String> commands = new ArrayList<>();
    private final Map<String, Integer> occurrences = new HashMap<>();
    private volatile Policy policy;
    private volatile boolean networkDown;

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

    /** Sets the policy; the network is up again and command numbers start again from 1. */
    public void policy(Policy p) {
        synchronized (commandLock) {
            commands.clear();
            occurrences.clear();
            networkDown = false;
            policy = p;
        }
    }

    /** How many connections a policy has dropped so far (a cut counts once, however many it dropped). */
    public int drops() {
        return drops.get();
    }

    /**
     * The commands the client sent since the policy was last set, in order: the first line of each, without tag or
     * line end, with LOGIN and AUTHENTICATE arguments hidden.
     */
    public List<String> commands() {
        synchronized (commandLock) {
            return List.copyOf(commands);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // listener closed by close()
            }
            if (networkDown || sockets.size() >= 2 * MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                // Forward each piece at once, as the two ends would see it without a proxy.
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                Connection c = new Connection(client, server, new AtomicLong(), new ConcurrentHashMap<>());
                pumps.execute(() -> pump(c, true));
                pumps.execute(() -> pump(c, false));
            } catch (IOException | RejectedExecutionException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Connection c, boolean clientToServer) {
        Socket from = clientToServer ? c.client() : c.server();
        Socket to = clientToServer ? c.server() : c.client();
        byte[] buf = new byte[16384];
        StringBuilder line = new StringBuilder();
        Framing framing = new Framing();
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
                    long before = c.fromServer().getAndAdd(n);
                    if (before + n > limit) {
                        int allowed = (int) Math.max(0, limit - before);
                        out.write(buf, 0, allowed);
                        out.flush();
                        drop(from, to);
                        return;
                    }
                }
                int cutAt = framing.feed(buf, n, (text, beginsUnit) -> beginsUnit
                        && (clientToServer ? commandBegins(c, text) : answerBegins(c, text)));
                if (cutAt >= 0) {
                    // Bytes of the line that triggered the cut are held back, so the server never gets the whole
                    // command, or the client the whole answer.
                    out.write(buf, 0, cutAt);
                    out.flush();
                    cutNetwork();
                    return;
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

    /**
     * A command with its numbers (UIDs, sizes, dates) blotted out: the same step of two runs has the same shape.
     * Cuts name a command by shape and occurrence rather than by position, because a client's connection pool
     * may add a NOOP, LOGOUT or login from one run to the next.
     */
    public static String shape(String command) {
        return command.replaceAll("\\d+", "#");
    }

    /** Logs a command the client begins; true when the network must go down before it is forwarded. */
    private boolean commandBegins(Connection c, String firstLine) {
        Matcher m = COMMAND.matcher(firstLine);
        if (!m.find()) return false;
        synchronized (commandLock) {
            String command = describe(firstLine, m);
            commands.add(command);
            Seen seen = new Seen(shape(command), occurrences.merge(shape(command), 1, Integer::sum));
            c.tags().put(m.group(1), seen);
            return networkDown || policy instanceof Policy.CutBeforeCommand(String shape, int n)
                    && seen.equals(new Seen(shape, n));
        }
    }

    /** True when this is the tagged answer after which the network must go down. */
    private boolean answerBegins(Connection c, String firstLine) {
        int space = firstLine.indexOf(' ');
        if (space <= 0 || firstLine.startsWith("* ") || firstLine.startsWith("+")) return false;
        Seen seen = c.tags().remove(firstLine.substring(0, space));
        synchronized (commandLock) {
            return networkDown || seen != null && policy instanceof Policy.CutAfterAnswer(String shape, int n)
                    && seen.equals(new Seen(shape, n));
        }
    }

    private static String describe(String firstLine, Matcher m) {
        String verb = m.group(2).toUpperCase(java.util.Locale.ROOT);
        if (verb.equals("LOGIN") || verb.equals("AUTHENTICATE")) return verb + " ***";
        return firstLine.substring(m.group(1).length() + 1).stripTrailing();
    }

    private void cutNetwork() {
        synchronized (commandLock) {
            if (networkDown) return;
            networkDown = true;
        }
        drops.incrementAndGet();
        for (Socket s : sockets) closeQuietly(s);
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

    /** Decides, per complete line, whether the network goes down before that line is forwarded. */
    private interface LineCheck {
        boolean cutBefore(String line, boolean beginsUnit);
    }

    /**
     * IMAP framing of one direction: lines, each possibly announcing a literal of so many bytes that follow it
     * verbatim. A command (or a response) is a line plus, while lines end in a literal, the literal and the next line.
     */
    private static final class Framing {
        private final StringBuilder line = new StringBuilder();
        private long literalLeft;
        private boolean unitStart = true;

        /** Returns -1 to forward all {@code n} bytes, else how many may be forwarded before the cut. */
        int feed(byte[] buf, int n, LineCheck check) {
            for (int i = 0; i < n; ) {
                if (literalLeft > 0) {
                    int take = (int) Math.min(literalLeft, n - i);
                    literalLeft -= take;
                    i += take;
                    continue;
                }
                char ch = (char) (buf[i++] & 0xff);
                line.append(ch);
                if (ch != '\n') continue;
                String text = line.toString();
                line.setLength(0);
                boolean begins = unitStart;
                Matcher literal = LITERAL.matcher(text);
                boolean announces = literal.find();
                literalLeft = announces ? Long.parseLong(literal.group(1)) : 0;
                unitStart = !announces;
                if (check.cutBefore(text, begins)) return Math.max(0, i - text.length());
            }
            return -1;
        }
    }
}
