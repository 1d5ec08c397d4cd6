package dev.begone.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.daemon.Failure;
import dev.begone.daemon.FailureKind;
import dev.begone.daemon.WatchListener;
import dev.begone.imap.UidSet;
import dev.begone.pipeline.PipelineListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The log of a long-running begone: one line per event, every line naming its account, as text or as JSON. It
 * hangs off the listeners ({@link #watchListener}, {@link #pipelineListener}), so the code that does the work
 * prints nothing itself. Messages come from exceptions and events that never hold a secret.
 */
public final class EventLog {
    public enum Level {
        INFO,
        WARNING,
        ERROR
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final PrintWriter out;
    private final LogFormat format;
    private final Clock clock;

    public EventLog(PrintWriter out, LogFormat format, Clock clock) {
        this.out = out;
        this.format = format;
        this.clock = clock;
    }

    /**
     * Writes one line.
     *
     * @param event  a stable name for machines ({@code filed}, {@code failed}...)
     * @param fields details for JSON, in order, null values left out; text lines carry only {@code message}
     */
    public void log(Level level, String account, String event, String message, Map<String, ?> fields) {
        String line = format == LogFormat.JSON ? json(level, account, event, message, fields) : text(level, account, message);
        // Whole lines, at once: accounts log from threads of their own.
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static String text(Level level, String account, String message) {
        String prefix = level == Level.INFO ? "" : level.name().toLowerCase(Locale.ROOT) + ": ";
        // One event, one line: a message spanning lines (a server's multi-line answer) is folded.
        return account + ": " + prefix + message.replaceAll("[\\r\\n\\t]+", " ");
    }

    private String json(Level level, String account, String event, String message, Map<String, ?> fields) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("ts", clock.instant().toString());
            g.writeStringField("level", level.name().toLowerCase(Locale.ROOT));
            g.writeStringField("account", account);
            g.writeStringField("event", event);
            g.writeStringField("msg", message);
            for (Map.Entry<String, ?> f : fields.entrySet()) {
                Object v = f.getValue();
                if (v == null) continue;
                if (v instanceof Long || v instanceof Integer) g.writeNumberField(f.getKey(), ((Number) v).longValue());
                else if (v instanceof Double d) g.writeNumberField(f.getKey(), d);
                else if (v instanceof Boolean b) g.writeBooleanField(f.getKey(), b);
                else g.writeStringField(f.getKey(), v.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a log line to memory", e);
        }
        return w.toString();
    }

    /** Lines for the watchers: connections, failures (a refused login once), stops. */
    public WatchListener watchListener() {
        return new WatchListener() {
            @Override
            public void watching(String account, String folder, boolean reconnected, boolean idle) {
                String how = idle ? "IDLE" : "polling, as the server has no IDLE";
                log(Level.INFO, account, "watching", (reconnected ? "reconnected: " : "") + "waiting for new mail in "
                        + folder + " (" + how + ")", fields("folder", folder, "reconnected", reconnected, "idle", idle));
            }

            @Override
            public void failed(Failure f) {
                if (!f.report()) return;
                String what = f.folder() != null ? "waiting for mail in " + f.folder() : f.cycle().doing();
                String retry = "; trying again in " + seconds(f.retryIn());
                if (f.kind() == FailureKind.LOGIN) retry += " (said once until a login succeeds)";
                Map<String, Object> details = fields("kind", f.kind().name().toLowerCase(Locale.ROOT),
                        "folder", f.folder(), "cycle", f.cycle() == null ? null : f.cycle().name().toLowerCase(Locale.ROOT),
                        "retry_in_seconds", f.retryIn().toMillis() / 1000.0);
                log(f.kind() == FailureKind.LOGIN ? Level.ERROR : Level.WARNING, f.account(), "failed",
                        what + " failed: " + f.error().getMessage() + retry, details);
            }

            @Override
            public void stopped(String account) {
                log(Level.INFO, account, "stopped", "stopped", Map.of());
            }
        };
    }

    /** Lines for what the pipeline does to {@code account}'s mail. */
    public PipelineListener pipelineListener(String account) {
        return new PipelineListener() {
            @Override
            public void filed(String folder, String action, long messages, String target) {
                String what = messages + (messages == 1 ? " message" : " messages") + " of " + folder + " ";
                what += switch (action) {
                    case "move" -> "moved to " + target;
                    case "copy" -> "copied to " + target;
                    case "append" -> "added to " + target;
                    case "flag" -> "flagged";
                    case "expunge" -> "deleted";
                    default -> action + (target == null ? "" : " " + target);
                };
                log(Level.INFO, account, "filed", what,
                        fields("folder", folder, "action", action, "messages", messages, "target", target));
            }

            @Override
            public void learned(String folder, long uid, Label label, LearnResult result) {
                String how = result == LearnResult.LEARNED ? "learned as " : "already known as ";
                log(Level.INFO, account, "learned", folder + " UID " + uid + " " + how + label.lowerName(),
                        fields("folder", folder, "uid", uid, "label", label.lowerName(),
                                "result", result.name().toLowerCase(Locale.ROOT)));
            }

            @Override
            public void skipped(String folder, long uid, String reason) {
                log(Level.WARNING, account, "skipped", folder + " UID " + uid + " skipped: " + reason,
                        fields("folder", folder, "uid", uid, "reason", reason));
            }

            @Override
            public void warning(String message) {
                log(Level.WARNING, account, "warning", message, Map.of());
            }

            @Override
            public void recovered(int actions) {
                log(Level.INFO, account, "recovered", "completed " + actions + " action(s) left unfinished by an earlier run",
                        fields("actions", actions));
            }

            @Override
            public void leftMarkedDeleted(String folder, UidSet uids) {
                log(Level.WARNING, account, "left-deleted", "server lacks UIDPLUS: " + uids + " of " + folder
                        + " left marked \\Deleted (begone sends no plain EXPUNGE: it would also remove every other message"
                        + " marked \\Deleted)", fields("folder", folder, "uids", uids.toString()));
            }
        };
    }

    private static String seconds(Duration d) {
        long s = Math.max(1, Math.round(d.toMillis() / 1000.0));
        return s < 120 ? s + " s" : (s / 60) + " min";
    }

    /** Name-value pairs in order; values may be null. */
    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) out.put((String) pairs[i], pairs[i + 1]);
        return out;
    }
}
