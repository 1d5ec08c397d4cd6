package dev.begone.classify.rspamd;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Rspamd over its HTTP protocol: the normal worker scores ({@code /checkv2}), the controller learns
 * ({@code /learnspam}, {@code /learnham}) and tells the action thresholds ({@code /actions}).
 *
 * <p>A message is spam when its score reaches the spam threshold: the one given in {@link RspamdOptions}, or else
 * the lowest threshold Rspamd's own configuration sets for an action that marks spam (stock: add header at 6), so
 * the policy stays where the Rspamd administrator put it. Log-odds are score minus that threshold, as for spamd.
 *
 * <p>Each request has one deadline, {@link RspamdOptions#timeout()}, for connecting, sending and answering: a
 * watchdog aborts the request when it passes, since a socket timeout alone bounds only each read. Messages over
 * {@link RspamdOptions#maxMessageBytes()} are not sent. Rspamd refusing one message (any error status but a refused
 * password, a wrong endpoint or a server error about the request itself) is a {@link MessageRejectedException}.
 */
public final class RspamdClassifier implements Classifier {
    private static final Set<String> SPAM_ACTIONS = Set.of("add header", "rewrite subject", "reject");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reason given for a message that was too large to score. */
    public static final String TOO_BIG = "TOO_BIG";
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rspamd-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final RspamdOptions options;
    private final CloseableHttpClient http;
    private final Semaphore slots;
    private volatile Double spamThreshold;

    public RspamdClassifier(RspamdOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.spamThreshold = options.spamThreshold();
        this.slots = new Semaphore(options.maxConcurrent(), true);
        Timeout timeout = Timeout.of(options.timeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                                .setSocketTimeout(timeout).build())
                        .setMaxConnTotal(options.maxConcurrent()).setMaxConnPerRoute(options.maxConcurrent())
                        .build())
                // A learn must not be sent twice behind our back; the caller decides what a failure means.
                .disableAutomaticRetries()
                .build();
    }

    @Override
    public String name() {
        return "rspamd";
    }

    /** Checks that both workers answer. */
    public void ping() throws ClassifierException {
        for (URI base : List.of(options.scanner(), options.controller())) {
            Answer r = send(new HttpGet(endpoint(base, "/ping")), base);
            if (r.status() != 200) throw failure(base, "/ping", r, false);
        }
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        double threshold = spamThreshold();
        // No evidence either way: log-odds 0, so fusion is not pulled towards ham by a message nobody read.
        if (message.length > options.maxMessageBytes()) return new Verdict(Outcome.HAM, 0, threshold, 0, List.of(TOO_BIG));
        URI base = options.scanner();
        Answer r = send(post(endpoint(base, "/checkv2"), message), base);
        if (r.status() != 200) throw failure(base, "/checkv2", r, true);
        JsonNode answer = parse(base, "/checkv2", r.body());
        JsonNode score = answer.get("score");
        if (score == null || !score.isNumber()) {
            throw new ClassifierException("rspamd at " + base + " answered /checkv2 without a score: " + excerpt(r.body()));
        }
        List<String> reasons = new ArrayList<>();
        for (Iterator<String> names = answer.path("symbols").fieldNames(); names.hasNext(); ) reasons.add(names.next());
        double points = score.doubleValue();
        return new Verdict(points >= threshold ? Outcome.SPAM : Outcome.HAM, points, threshold, points - threshold, reasons);
    }

    /**
     * Learns through the controller. Rspamd answers 208 when it learned the message in this class before, and 204
     * when it skips it (its Bayes is already sure, or the message has too few tokens to learn): there is nothing
     * left to teach either way, so both are {@link LearnResult#ALREADY_KNOWN}.
     */
    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        if (message.length > options.maxMessageBytes()) {
            throw MessageRejectedException.beforeSending(message.length + " bytes is over the limit of "
                    + options.maxMessageBytes() + " bytes for Rspamd (its max_message)");
        }
        URI base = options.controller();
        String path = "/learn" + label.lowerName();
        Answer r = send(withPassword(post(endpoint(base, path), message)), base);
        return switch (r.status()) {
            case 200 -> LearnResult.LEARNED;
            case 204, 208 -> LearnResult.ALREADY_KNOWN;
            default -> throw failure(base, path, r, true);
        };
    }

    @Override
    public void close() throws ClassifierException {
        try {
            http.close();
        } catch (IOException e) {
            throw new ClassifierException("closing the connections to rspamd failed: " + e.getMessage(), e);
        }
    }

    private double spamThreshold() throws ClassifierException {
        Double known = spamThreshold;
        if (known != null) return known;
        synchronized (this) {
            if (spamThreshold == null) spamThreshold = askThreshold();
            return spamThreshold;
        }
    }

    private double askThreshold() throws ClassifierException {
        URI base = options.controller();
        Answer r = send(withPassword(new HttpGet(endpoint(base, "/actions"))), base);
        if (r.status() != 200) throw failure(base, "/actions", r, false);
        double lowest = Double.POSITIVE_INFINITY;
        for (JsonNode action : parse(base, "/actions", r.body())) {
            JsonNode value = action.get("value");
            if (SPAM_ACTIONS.contains(action.path("action").asText()) && value != null && value.isNumber()) {
                lowest = Math.min(lowest, value.doubleValue());
            }
        }
        if (lowest == Double.POSITIVE_INFINITY) {
            throw new ClassifierException("rspamd at " + base + " sets no threshold for add header, rewrite subject "
                    + "or reject; give the spam threshold with --rspamd-threshold");
        }
        return lowest;
    }

    /** An answer read whole: Rspamd's are small JSON documents. */
    private record Answer(int status, byte[] body) {}

    private static HttpPost post(URI uri, byte[] message) {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(message, ContentType.APPLICATION_OCTET_STREAM));
        return post;
    }

    private <R extends HttpUriRequestBase> R withPassword(R request) {
        if (options.password() != null) request.addHeader("Password", options.password());
        return request;
    }

    private Answer send(HttpUriRequestBase request, URI base) throws ClassifierException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while waiting to talk to rspamd at " + base, e);
        }
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            late.set(true);
            request.cancel();
        }, options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return http.execute(request, response -> new Answer(response.getCode(),
                    response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity())));
        } catch (IOException e) {
            if (e instanceof ConnectException) {
                throw new ClassifierException("rspamd at " + base + " refused the connection", e);
            }
            // The watchdog's abort, and connect and read timeouts, all arrive as InterruptedIOException subclasses.
            if (late.get() || e instanceof InterruptedIOException) {
                throw new ClassifierException("rspamd at " + base + " did not take the request and answer within "
                        + options.timeout().toSeconds() + " s", e);
            }
            throw new ClassifierException("talking to rspamd at " + base + " failed: " + e, e);
        } finally {
            watchdog.cancel(false);
            slots.release();
        }
    }

    private static URI endpoint(URI base, String path) {
        return URI.create(base + path);
    }

    private static JsonNode parse(URI base, String path, byte[] body) throws ClassifierException {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ClassifierException("rspamd at " + base + " answered " + path + " with something that is not JSON: "
                    + excerpt(body), e);
        } catch (IOException e) {
            throw new ClassifierException("reading rspamd's answer to " + path + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * @param aboutMessage the request carried a message, so an error status may be about that message alone
     */
    private ClassifierException failure(URI base, String path, Answer r, boolean aboutMessage) {
        String detail = excerpt(r.body());
        try {
            JsonNode error = JSON.readTree(r.body()).get("error");
            if (error != null) detail = error.asText();
        } catch (IOException | RuntimeException notJson) {
            // The raw excerpt says enough.
        }
        String hint = r.status() == 401 || r.status() == 403
                ? (options.password() == null ? " (it wants a password: give --rspamd-password-file)"
                        : " (the password was refused)")
                : "";
        String text = "rspamd at " + base + " answered " + path + " with " + r.status() + ": " + detail + hint;
        // 401/403: the password; 404 and "invalid command": the wrong worker or path. Both are configuration.
        boolean configuration = r.status() == 401 || r.status() == 403 || r.status() == 404
                || detail.contains("invalid command");
        return aboutMessage && !configuration ? MessageRejectedException.byClassifier(text) : new ClassifierException(text);
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "(empty)" : s;
    }
}
