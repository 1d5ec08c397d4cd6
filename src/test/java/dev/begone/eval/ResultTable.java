package dev.begone.eval;

import dev.begone.classify.Label;
import dev.begone.classify.Outcome;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The benchmarks' summary: one row per classifier and stream, then the mean and the worst of each classifier over
 * the streams, since a filter is judged by the orders it does badly in, not by its best one. Columns: 1-ROCA%,
 * sm%@hm0.1%, and at the classifier's own threshold hm% (ham filed as spam), sm% (spam filed as ham) and the
 * share of each class it was unsure about (left alone: neither filed nor an error).
 */
final class ResultTable {
    private final Map<String, List<EvaluationResult>> byName = new LinkedHashMap<>();

    void add(EvaluationResult r) {
        byName.computeIfAbsent(r.classifier(), k -> new ArrayList<>()).add(r);
    }

    /** Spam the classifier filed as ham, in percent: {@code sm%} without the messages it was unsure about. */
    static double spamFiledAsHamPercent(EvaluationResult r) {
        return 100.0 * count(r, Label.SPAM, Outcome.HAM) / r.spam();
    }

    static double unsurePercent(EvaluationResult r, Label label) {
        return 100.0 * count(r, label, Outcome.UNSURE) / (label == Label.SPAM ? r.spam() : r.ham());
    }

    private static long count(EvaluationResult r, Label label, Outcome outcome) {
        return r.messages().stream().filter(m -> m.label() == label && m.outcome() == outcome).count();
    }

    void print(PrintWriter out) {
        int width = Math.max(10, byName.keySet().stream().mapToInt(String::length).max().orElse(0));
        String head = "%-" + width + "s %-10s %9s %11s %8s %8s %8s %8s%n";
        out.printf(Locale.ROOT, head, "classifier", "order", "1-ROCA%", "sm%@hm0.1%", "hm%", "sm%", "unsure-h%", "unsure-s%");
        List<ToDoubleFunction<EvaluationResult>> columns = List.of(
                EvaluationResult::oneMinusRocaPercent, EvaluationResult::smAtHm01Percent, EvaluationResult::hmPercent,
                ResultTable::spamFiledAsHamPercent, r -> unsurePercent(r, Label.HAM), r -> unsurePercent(r, Label.SPAM));
        String row = "%-" + width + "s %-10s %9.4f %11.2f %8.3f %8.3f %8.2f %8.2f%n";
        for (var e : byName.entrySet()) {
            for (EvaluationResult r : e.getValue()) {
                out.printf(Locale.ROOT, row, cells(e.getKey(), r.order(), values(r, columns)));
            }
        }
        for (var e : byName.entrySet()) {
            List<EvaluationResult> rs = e.getValue();
            if (rs.size() < 2) continue;
            Object[] mean = new Object[columns.size()];
            Object[] worst = new Object[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                double sum = 0, max = Double.NEGATIVE_INFINITY;
                for (EvaluationResult r : rs) {
                    double v = columns.get(c).applyAsDouble(r);
                    sum += v;
                    max = Math.max(max, v);
                }
                mean[c] = sum / rs.size();
                worst[c] = max;
            }
            out.printf(Locale.ROOT, row, cells(e.getKey(), "mean", mean));
            out.printf(Locale.ROOT, row, cells(e.getKey(), "worst", worst));
        }
    }

    private static Object[] cells(String name, String order, Object[] values) {
        Object[] all = new Object[values.length + 2];
        all[0] = name;
        all[1] = order;
        System.arraycopy(values, 0, all, 2, values.length);
        return all;
    }

    private static Object[] values(EvaluationResult r, List<ToDoubleFunction<EvaluationResult>> columns) {
        return columns.stream().map(f -> (Object) f.applyAsDouble(r)).toArray();
    }
}
