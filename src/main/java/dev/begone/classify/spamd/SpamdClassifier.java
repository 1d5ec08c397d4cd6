package dev.begone.classify.spamd;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Processed;
import dev.begone.classify.Verdict;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SpamAssassin's spamd, spoken natively (SPAMC/1.5 over TCP, no spamc binary).
 *
 * <p>spamd serves one request per connection, so each call opens its own; a semaphore keeps at most
 * {@link SpamdOptions#maxConcurrent()} in flight. Like spamc, messages over {@link SpamdOptions#maxMessageBytes()}
 * (500 KB, spamc's default) are not sent: scanned, they come back as unscored ham with the reason {@value #TOO_BIG};
 * learned, they are refused as a {@link MessageRejectedException}.
 *
 * <p>Every request has deadlines: connecting ({@link SpamdOptions#connectTimeout()}), sending
 * ({@link SpamdOptions#writeTimeout()}) and the answer ({@link SpamdOptions#readTimeout()}). A blocking socket write
 * ignores SO_TIMEOUT, so a watchdog closes the socket when a deadline passes; a spamd that stops reading or never
 * answers ends the request with a {@link ClassifierException}. spamd's own refusals of one message (its child
 * timed out, the message could not be parsed) and a connection spamd closed without an answer after the message
 * was sent are {@link MessageRejectedException}s.
 */
public final class SpamdClassifier implements Classifier {
    /** The reason given for a message that was too large to score. */
    public static final String TOO_BIG = "TOO_BIG";
    private static final String PROTOCOL = "SPAMC/1.5";
    /** Room for spamd's additions (report headers, a report_safe wrapper) on top of the message itself. */
    private static final int REWRITE_ALLOWANCE = 1024 * 1024;
    private static final int REPORT_LIMIT = 1024 * 1024;
    /** sysexits codes spamd answers about one message: EX_DATAERR (unparseable) and EX_TIMEOUT (child timeout). */
    private static final Set<Integer> MESSAGE_CODES = Set.of(65, 79);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spamd-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final SpamdOptions options;
    private final Semaphore slots;
    /** The last threshold spamd reported, for unscored verdicts; NaN until spamd has answered once. */
    private volatile double lastThreshold = Double.NaN;

    public SpamdClassifier(SpamdOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.slots = new Semaphore(options.maxConcurrent(), true);
    }

    public SpamdOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "spamd";
    }

    /** Checks that spamd is up and speaks the protocol. */
    public void ping() throws ClassifierException {
        SpamdResponse r = call("PING", Map.of(), null, 0);
        if (!r.message().equals("PONG")) {
            throw new ClassifierException("spamd at " + options.address() + " answered PING with '" + r.message() + "'");
        }
    }

    /** SYMBOLS: spamd's verdict with the names of the rules that fired. */
    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        if (tooBig(message)) return unscored();
        return remember(call("SYMBOLS", Map.of(), message, REPORT_LIMIT).verdict(true));
    }

    /** PROCESS: the verdict and the message as spamd rewrote it. PROCESS names no rules, so reasons are empty. */
    @Override
    public Processed process(byte[] message) throws ClassifierException {
        if (tooBig(message)) return new Processed(unscored(), message);
        SpamdResponse r = call("PROCESS", Map.of(), message, message.length + REWRITE_ALLOWANCE);
        return new Processed(remember(r.verdict(false)), r.body());
    }

    /** REPORT: spamd's human-readable report (the rule table), decoded as UTF-8. */
    public String report(byte[] message) throws ClassifierException {
        SpamdResponse r = call("REPORT", Map.of(), message, REPORT_LIMIT);
        remember(r.verdict(false));
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * TELL with {@code Set: local}. spamd answers {@code DidSet: local} when Bayes learned the message and no
     * DidSet when it already knew it in that class. A message over the size limit is refused without being sent.
     */
    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        if (tooBig(message)) {
            throw MessageRejectedException.beforeSending(message.length + " bytes is over the limit of "
                    + options.maxMessageBytes() + " bytes for spamd (spamc's --max-size)");
        }
        SpamdResponse r = call("TELL", Map.of("Message-class", label.lowerName(), "Set", "local"), message, 0);
        String didSet = r.headers().get("DidSet");
        return didSet != null && didSet.contains("local") ? LearnResult.LEARNED : LearnResult.ALREADY_KNOWN;
    }

    private boolean tooBig(byte[] message) {
        return message.length > options.maxMessageBytes();
    }

    private Verdict unscored() {
        // No evidence either way: log-odds 0, so fusion is not pulled towards ham by a message nobody read.
        return new Verdict(Outcome.HAM, 0, lastThreshold, 0, List.of(TOO_BIG));
    }

    private Verdict remember(Verdict v) {
        lastThreshold = v.threshold();
        return v;
    }

    private SpamdResponse call(String command, Map<String, String> extra, byte[] body, int maxAnswer)
            throws ClassifierException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while waiting to talk to spamd at " + options.address(), e);
        }
        try {
            SpamdResponse r = exchange(command, extra, body, maxAnswer);
            if (r.code() != 0 && body != null && MESSAGE_CODES.contains(r.code())) {
                throw MessageRejectedException.byClassifier("spamd at " + options.address() + " answered " + command
                        + " with " + r.code() + " " + r.message());
            }
            return r.requireOk(options.address());
        } finally {
            slots.release();
        }
    }

    private SpamdResponse exchange(String command, Map<String, String> extra, byte[] body, int maxAnswer)
            throws ClassifierException {
        String server = options.address();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(options.host(), options.port()), (int) options.connectTimeout().toMillis());
            socket.setSoTimeout((int) options.readTimeout().toMillis());
            IOException writeFailure = null;
            Watchdog sending = new Watchdog(socket, options.writeTimeout());
            try {
                OutputStream out = socket.getOutputStream();
                out.write(requestHead(command, extra, body).getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) out.write(body);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // spamd may refuse early (e.g. TELL without --allow-tell) and close while we still write: its answer wins.
                writeFailure = e;
            } finally {
                sending.cancel();
            }
            if (sending.fired()) {
                throw new ClassifierException("spamd at " + server + " did not take the " + command + " request ("
                        + (body == null ? 0 : body.length) + " bytes) within " + options.writeTimeout().toSeconds()
                        + " s: it stopped reading");
            }
            Watchdog answering = new Watchdog(socket, options.readTimeout());
            try {
                return SpamdResponse.read(new BufferedInputStream(socket.getInputStream()), maxAnswer);
            } catch (ClassifierException e) {
                if (answering.fired() || e.getCause() instanceof SocketTimeoutException) {
                    throw new ClassifierException("spamd at " + server + " did not answer " + command + " within "
                            + options.readTimeout().toSeconds() + " s", e);
                }
                if (writeFailure != null) {
                    throw new ClassifierException("sending " + command + " to spamd at " + server + " failed: "
                            + writeFailure.getMessage(), writeFailure);
                }
                if (body != null && e instanceof SpamdResponse.ClosedWithoutAnswer) {
                    // spamd's child gave up on this message (it logs why) and closed: others may still go through.
                    throw MessageRejectedException.byClassifier("spamd at " + server + ": " + e.getMessage() + " after "
                            + command + " of this message");
                }
                throw new ClassifierException(command + " to spamd at " + server + ": " + e.getMessage(), e);
            } finally {
                answering.cancel();
            }
        } catch (ConnectException e) {
            throw new ClassifierException("spamd at " + server + " refused the connection", e);
        } catch (SocketTimeoutException e) {
            throw new ClassifierException("spamd at " + server + " did not accept a connection within "
                    + options.connectTimeout().toMillis() + " ms", e);
        } catch (UnknownHostException e) {
            throw new ClassifierException("spamd host " + options.host() + " is unknown", e);
        } catch (ClassifierException e) {
            throw e;
        } catch (IOException e) {
            throw new ClassifierException("talking to spamd at " + server + " failed: " + e.getMessage(), e);
        }
    }

    /** Closes the socket when its deadline passes, which ends a blocked write or read at once. */
    private static final class Watchdog {
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;

        Watchdog(Socket socket, Duration deadline) {
            task = WATCHDOG.schedule(() -> {
                fired.set(true);
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing is all the watchdog can do; the blocked call fails either way.
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }

        void cancel() {
            task.cancel(false);
        }

        boolean fired() {
            return fired.get();
        }
    }

    private String requestHead(String command, Map<String, String> extra, byte[] body) {
        StringBuilder sb = new StringBuilder(command).append(' ').append(PROTOCOL).append("\r\n");
        if (body != null) sb.append("Content-length: ").append(body.length).append("\r\n");
        if (options.user() != null) sb.append("User: ").append(options.user()).append("\r\n");
        extra.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString();
    }
}
