package dev.begone.metrics;

import com.sun.net.httpserver.HttpExchange;
import dev.begone.config.Address;
import dev.begone.daemon.Health;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format) and {@code /healthz} on the configured address. {@code /healthz}
 * answers 200 when every account is healthy and 503 otherwise, with one line per account either way (see
 * {@code AccountWatcher.health}: a refused login, or a kind of cycle failing for three periods, is unhealthy; a
 * short outage in backoff is not).
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** Binds {@code listen} and serves until closed. */
    public static MetricsServer start(Address listen, Metrics metrics, Supplier<List<Health>> health) throws IOException {
        return start(listen.host(), listen.port(), metrics, health);
    }

    /** @param port 0 for any free port (tests) */
    static MetricsServer start(String host, int port, Metrics metrics, Supplier<List<Health>> health) throws IOException {
        HTTPServer server = HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(metrics.registry())
                .registerHealthHandler(false)
                .executorService(Executors.newVirtualThreadPerTaskExecutor())
                .defaultHandler(exchange -> answer(exchange, health))
                .buildAndStart();
        return new MetricsServer(server);
    }

    public int port() {
        return server.getPort();
    }

    private static void answer(HttpExchange exchange, Supplier<List<Health>> health) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/healthz")) {
                send(exchange, 404, "not found: try /metrics or /healthz\n");
                return;
            }
            List<Health> accounts = health.get();
            StringBuilder body = new StringBuilder();
            for (Health h : accounts) {
                body.append(h.account()).append(": ").append(h.ok() ? "ok" : "FAILING").append(", ").append(h.detail()).append('\n');
            }
            send(exchange, accounts.stream().allMatch(Health::ok) ? 200 : 503, body.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
