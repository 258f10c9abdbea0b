package dev.graft.serve;

import dev.graft.export.Classifier;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.bytedeco.javacpp.Pointer;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /metrics} of {@code graft serve}, in the Prometheus text format through Micrometer's Prometheus
 * registry: {@code graft_http_requests_seconds} (a latency histogram per route and status, whose {@code _count} is
 * the request counter), {@code graft_batch_images} (images per model call, after dynamic batching), {@code graft_queue_depth},
 * {@code graft_requests_in_flight}, {@code graft_model_load_seconds}, JavaCPP's off-heap bytes (ND4J's tensors live
 * there, not on the Java heap) and Micrometer's JVM memory, GC, thread, class-loader, CPU and uptime meters.
 */
final class ServerMetrics implements AutoCloseable {
    /** The content type of the Prometheus text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Paths reported by name; anything else counts as {@code other}, so scanners cannot grow the label set. */
    private static final Set<String> ROUTES = Set.of("/v1/predict", "/v1/explain", "/v1/health", "/v1/model",
            "/metrics");
    // The /v2 routes are named by OpenInference.route.

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final DistributionSummary batches;

    ServerMetrics(Classifier classifier, Capacity capacity) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("graft.offheap.memory", Pointer::totalBytes).baseUnit("bytes")
                .description("Off-heap memory allocated through JavaCPP (ND4J tensors, OpenCV images)")
                .register(registry);
        Gauge.builder("graft.process.physical.memory", Pointer::physicalBytes).baseUnit("bytes")
                .description("Resident memory of the whole process, as JavaCPP reads it").register(registry);
        Gauge.builder("graft.queue.depth", capacity, Capacity::queued)
                .description("Received requests waiting for a worker").register(registry);
        Gauge.builder("graft.requests.in.flight", capacity, Capacity::inFlight)
                .description("Requests being received, waiting or predicted").register(registry);
        double loadSeconds = classifier.loadTime().toNanos() / 1e9;
        Gauge.builder("graft.model.load", () -> loadSeconds).baseUnit("seconds")
                .tag("engine", classifier.engine().toString())
                .description("Time it took to load the bundle and build its model").register(registry);
        this.batches = DistributionSummary.builder("graft.batch").baseUnit("images")
                .description("Images per model call").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
    }

    /** Records one answered request. */
    void request(String path, int status, long nanos) {
        Timer.builder("graft.http.requests").tag("route", route(path))
                .tag("status", String.valueOf(status)).description("HTTP requests by route and status")
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The route label of a path: itself, an Open Inference Protocol route with {@code {name}}, or {@code other}. */
    static String route(String path) {
        if (ROUTES.contains(path)) {
            return path;
        }
        String v2 = OpenInference.route(path);
        return v2 != null ? v2 : "other";
    }

    /** Records one model call of {@code images} images. */
    void batch(int images) {
        batches.record(images);
    }

    /** The current values in the Prometheus text format. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
