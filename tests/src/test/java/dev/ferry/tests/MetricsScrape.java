package dev.ferry.tests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a ferry process's metrics over HTTP, as Prometheus would make it, parsed from the
 * text format: every sample by its name and labels as printed, e.g.
 * {@code ferry_consumer_events_applied_total{kind="file"}}.
 */
record MetricsScrape(Map<String, Double> samples, String text) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Scrapes http://127.0.0.1:{@code port}/metrics. */
    static MetricsScrape of(int port) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("metrics on port " + port + " answered " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new AssertionError("cannot scrape the metrics on port " + port + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static MetricsScrape parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.find()) {
                throw new AssertionError("not a sample line in the Prometheus text format: " + line);
            }
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return new MetricsScrape(samples, text);
    }

    /** The value of {@code sample}, or -1 when the scrape has none. */
    double value(String sample) {
        return samples.getOrDefault(sample, -1.0);
    }
}
