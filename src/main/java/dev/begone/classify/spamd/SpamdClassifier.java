package dev.begone.classify.spamd;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * SpamAssassin's spamd, spoken natively (SPAMC/1.5 over TCP, no spamc binary).
 *
 * <p>spamd serves one request per connection, so each call opens its own; a semaphore keeps at most
 * {@link SpamdOptions#maxConcurrent()} in flight. Like spamc, messages over {@link SpamdOptions#maxMessageBytes()}
 * are not sent for scoring: they come back as unscored ham with the reason {@value #TOO_BIG}.
 */
public final class SpamdClassifier implements Classifier {
    /** The reason given for a message that was too large to score. */
    public static final String TOO_BIG = "TOO_BIG";
    private static final String PROTOCOL = "SPAMC/1.5";
    /** Room for spamd's additions (report headers, a report_safe wrapper) on top of the message itself. */
    private static final int REWRITE_ALLOWANCE = 1024 * 1024;
    private static final int REPORT_LIMIT = 1024 * 1024;

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
     * DidSet when it already knew it in that class. The size limit does not apply: a user's label is worth the scan.
     */
    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
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
            return exchange(command, extra, body, maxAnswer).requireOk(options.address());
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
            try {
                OutputStream out = socket.getOutputStream();
                out.write(requestHead(command, extra, body).getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) out.write(body);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // spamd may refuse early (e.g. TELL without --allow-tell) and close while we still write: its answer wins.
                writeFailure = e;
            }
            try {
                return SpamdResponse.read(new BufferedInputStream(socket.getInputStream()), maxAnswer);
            } catch (ClassifierException e) {
                if (writeFailure != null) {
                    throw new ClassifierException("sending " + command + " to spamd at " + server + " failed: "
                            + writeFailure.getMessage(), writeFailure);
                }
                if (e.getCause() instanceof SocketTimeoutException) {
                    throw new ClassifierException("spamd at " + server + " did not answer " + command + " within "
                            + options.readTimeout().toSeconds() + " s", e);
                }
                throw new ClassifierException(command + " to spamd at " + server + ": " + e.getMessage(), e);
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

    private String requestHead(String command, Map<String, String> extra, byte[] body) {
        StringBuilder sb = new StringBuilder(command).append(' ').append(PROTOCOL).append("\r\n");
        if (body != null) sb.append("Content-length: ").append(body.length).append("\r\n");
        if (options.user() != null) sb.append("User: ").append(options.user()).append("\r\n");
        extra.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString();
    }
}
