package dev.begone.classify.rspamd;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Rspamd over its HTTP protocol: the normal worker scores ({@code /checkv2}), the controller learns
 * ({@code /learnspam}, {@code /learnham}) and tells the action thresholds ({@code /actions}).
 *
 * <p>A message is spam when its score reaches the spam threshold: the one given in {@link RspamdOptions}, or else
 * the lowest threshold Rspamd's own configuration sets for an action that marks spam (stock: add header at 6), so
 * the policy stays where the Rspamd administrator put it. Log-odds are score minus that threshold, as for spamd.
 */
public final class RspamdClassifier implements Classifier {
    private static final Set<String> SPAM_ACTIONS = Set.of("add header", "rewrite subject", "reject");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RspamdOptions options;
    private final HttpClient http;
    private final Semaphore slots;
    private volatile Double spamThreshold;

    public RspamdClassifier(RspamdOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.spamThreshold = options.spamThreshold();
        this.slots = new Semaphore(options.maxConcurrent(), true);
        // Rspamd 3 speaks HTTP/1.1 only and closes after each answer; an h2c upgrade offer would be wasted.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(options.timeout()).build();
    }

    @Override
    public String name() {
        return "rspamd";
    }

    /** Checks that both workers answer. */
    public void ping() throws ClassifierException {
        for (URI base : List.of(options.scanner(), options.controller())) {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(endpoint(base, "/ping")).GET(), base);
            if (r.statusCode() != 200) throw failure(base, "/ping", r);
        }
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        double threshold = spamThreshold();
        URI base = options.scanner();
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(endpoint(base, "/checkv2"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(message)), base);
        if (r.statusCode() != 200) throw failure(base, "/checkv2", r);
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
        URI base = options.controller();
        String path = "/learn" + label.lowerName();
        HttpResponse<byte[]> r = send(withPassword(HttpRequest.newBuilder(endpoint(base, path)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(message)), base);
        return switch (r.statusCode()) {
            case 200 -> LearnResult.LEARNED;
            case 204, 208 -> LearnResult.ALREADY_KNOWN;
            default -> throw failure(base, path, r);
        };
    }

    @Override
    public void close() {
        http.close();
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
        HttpResponse<byte[]> r = send(withPassword(HttpRequest.newBuilder(endpoint(base, "/actions")).GET()), base);
        if (r.statusCode() != 200) throw failure(base, "/actions", r);
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

    private HttpRequest.Builder withPassword(HttpRequest.Builder request) {
        return options.password() == null ? request : request.header("Password", options.password());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, URI base) throws ClassifierException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while waiting to talk to rspamd at " + base, e);
        }
        try {
            return http.send(request.timeout(options.timeout()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new ClassifierException("rspamd at " + base + " refused the connection", e);
        } catch (HttpTimeoutException e) {
            throw new ClassifierException("rspamd at " + base + " did not answer within " + options.timeout().toSeconds()
                    + " s", e);
        } catch (IOException e) {
            throw new ClassifierException("talking to rspamd at " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while talking to rspamd at " + base, e);
        } finally {
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

    private ClassifierException failure(URI base, String path, HttpResponse<byte[]> r) {
        String detail = excerpt(r.body());
        try {
            JsonNode error = JSON.readTree(r.body()).get("error");
            if (error != null) detail = error.asText();
        } catch (IOException | RuntimeException notJson) {
            // The raw excerpt says enough.
        }
        String hint = r.statusCode() == 401 || r.statusCode() == 403
                ? (options.password() == null ? " (it wants a password: give --rspamd-password-file)"
                        : " (the password was refused)")
                : "";
        return new ClassifierException("rspamd at " + base + " answered " + path + " with " + r.statusCode() + ": "
                + detail + hint);
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "(empty)" : s;
    }
}
