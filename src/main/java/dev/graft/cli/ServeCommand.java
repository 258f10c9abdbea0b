package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.export.Classifier;
import dev.graft.serve.InferenceServer;
import dev.graft.serve.ApiKeys;
import dev.graft.serve.ServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code graft serve}: an HTTP JSON inference API over an exported bundle, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve an exported bundle over HTTP.",
                "POST /v1/predict (raw image bytes or multipart, ?top=k), GET /v1/health, GET /v1/model, GET /metrics, "
                        + "and the Open Inference Protocol (KServe v2) under /v2. SIGTERM "
                        + "or Ctrl-C stops taking requests, lets those in flight finish and exits 0."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions bundle;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerOptions.LOOPBACK,
            description = "Interface to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--workers", paramLabel = "N", description = "Prediction threads (default: one per core).")
    Integer workers;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64",
            description = "Requests that may wait for a worker before 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "20",
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    double maxBodyMb;

    @Option(names = "--max-uploads", paramLabel = "N", defaultValue = "" + ServerOptions.DEFAULT_UPLOADS,
            description = "Request bodies received at once; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxUploads;

    @Option(names = "--body-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Time a client has to send a request's headers, and then its body; slower ones get "
                    + "408 (default: ${DEFAULT-VALUE}).")
    double bodyTimeout;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "Accept only requests with one of this file's keys (one per line) as 'Authorization: "
                    + "Bearer KEY' or 'X-API-Key: KEY'; /v1/health stays open. The minimum for --host 0.0.0.0.")
    Path apiKeyFile;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "1",
            description = "Dynamic batching: group the images of concurrent requests into model calls of up to N "
                    + "(1: off, each request runs alone; default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-delay-ms", paramLabel = "MS", defaultValue = "0",
            description = "Dynamic batching: how long a model call waits for more images once it has one (0: "
                    + "only those already waiting, never delaying a lone request; default: ${DEFAULT-VALUE}).")
    double maxDelayMs;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "The model's name in the Open Inference Protocol routes /v2/models/NAME (default: the "
                    + "bundle's experiment name).")
    String modelName;

    @Override
    public Integer call() throws InterruptedException {
        ServerOptions options = options();
        CountDownLatch stop = new CountDownLatch(1);
        try (Classifier classifier = bundle.load();
             InferenceServer server = InferenceServer.start(classifier, options)) {
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    Signal.handle(new Signal(name), signal -> {
                        LOG.info("SIG{} received: finishing requests in flight, then stopping", name);
                        stop.countDown();
                    });
                } catch (IllegalArgumentException e) {
                    LOG.debug("cannot handle SIG{} here: {}", name, e.getMessage());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("serving %s (%d classes, %s engine) on %s%n", bundle.model, classifier.labels().size(),
                    classifier.engine(), server.uri());
            out.printf("  POST %s/v1/predict   GET %s/v1/health   GET %s/v1/model%n", server.uri(), server.uri(),
                    server.uri());
            out.printf("  POST %s/v2/models/%s/infer (Open Inference Protocol)%s%n", server.uri(),
                    server.modelName(), options.maxBatch() > 1 ? String.format(Locale.ROOT,
                            "; batching up to %d images, waiting up to %s ms", options.maxBatch(),
                            maxDelayMs) : "");
            out.flush();
            stop.await();
            server.close();
            out.println("stopped");
            out.flush();
        }
        return 0;
    }

    private ServerOptions options() {
        if (maxBodyMb <= 0 || queue < 0 || (workers != null && workers < 1) || maxUploads < 1
                || !(bodyTimeout >= 0.001 && bodyTimeout <= 86_400) || maxBatch < 1
                || !(maxDelayMs >= 0 && maxDelayMs <= 60_000)) {
            throw GraftException.usage("--max-body-mb must be > 0, --workers, --max-uploads and --max-batch >= 1, "
                    + "--queue >= 0, --body-timeout in [0.001, 86400] seconds and --max-delay-ms in [0, 60000]");
        }
        try {
            ServerOptions defaults = ServerOptions.defaults(port);
            return defaults.withHost(host).withLimits((long) (maxBodyMb * (1 << 20)),
                    workers != null ? workers : defaults.workers(), queue)
                    .withUploads(maxUploads, Duration.ofMillis(Math.round(bodyTimeout * 1000)))
                    .withApiKeys(apiKeyFile == null ? null : ApiKeys.read(apiKeyFile))
                    .withBatching(maxBatch, Duration.ofNanos(Math.round(maxDelayMs * 1e6)))
                    .withModelName(modelName);
        } catch (IllegalArgumentException e) {
            throw GraftException.usage(e.getMessage());
        }
    }

}
