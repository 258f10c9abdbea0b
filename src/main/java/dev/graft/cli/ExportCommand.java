package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.config.ExportConfig;
import dev.graft.export.BundleExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code graft export}: a training run's model as an inference bundle (DL4J and/or ONNX, labels, card). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write an inference bundle from a training run.",
                "The bundle holds the DL4J model without optimizer state, an ONNX model (opset 13), labels.json, "
                        + "preprocessing.json, bundle.json and model-card.md.",
                "Load it with the Classifier API, 'graft predict' or 'graft serve'."})
final class ExportCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ExportCommand.class);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run folder of 'graft train' (or a checkpoint"
            + " .zip).")
    Path source;

    @Option(names = "--checkpoint", paramLabel = "best|last", defaultValue = "best",
            description = "Which checkpoint of the run (default: ${DEFAULT-VALUE}).")
    String checkpoint;

    @Option(names = "--format", paramLabel = "FORMATS", split = ",", defaultValue = "dl4j,onnx",
            description = "dl4j, onnx or both, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--out", paramLabel = "DIR", description = "Bundle folder (default: RUN_DIR/export).")
    Path out;

    @Option(names = "--zip", description = "Also write the bundle as one DIR.zip.")
    boolean zip;

    @Override
    public Integer call() {
        ExportConfig.Which which = switch (checkpoint.toLowerCase(Locale.ROOT)) {
            case "best" -> ExportConfig.Which.BEST;
            case "last" -> ExportConfig.Which.LAST;
            default -> throw GraftException.usage("--checkpoint must be best or last (was '" + checkpoint + "')");
        };
        Set<ExportConfig.Format> chosen = EnumSet.noneOf(ExportConfig.Format.class);
        for (String f : formats) {
            switch (f.trim().toLowerCase(Locale.ROOT)) {
                case "dl4j" -> chosen.add(ExportConfig.Format.DL4J);
                case "onnx" -> chosen.add(ExportConfig.Format.ONNX);
                default -> throw GraftException.usage("--format takes dl4j and/or onnx (was '" + f + "')");
            }
        }
        BundleExporter.Result result = new BundleExporter(GraftVersion.version())
                .export(new BundleExporter.Request(source, which, chosen, out, zip));
        print(spec.commandLine().getOut(), result);
        return 0;
    }

    /** The export {@code graft train} does at the end when the config's {@code export.formats} is set. */
    static void afterTraining(Path runDir, PrintWriter out) {
        Optional<BundleExporter.Result> result = new BundleExporter(GraftVersion.version()).afterTraining(runDir);
        result.ifPresent(r -> {
            LOG.info("exported the inference bundle");
            print(out, r);
        });
    }

    private static void print(PrintWriter w, BundleExporter.Result r) {
        w.printf("bundle     %s%n", r.folder());
        w.printf("files      %s%n", String.join(", ", r.files()));
        if (r.zip() != null) {
            w.printf("zip        %s%n", r.zip());
        }
        w.printf("from       %s (epoch %d)%n", r.checkpoint(), r.epoch());
        if (r.temperature() != 1.0) {
            w.printf(Locale.ROOT, "calibrated temperature %.4f, folded into the model%n", r.temperature());
        }
        if (r.decision() != null) {
            w.printf(Locale.ROOT, "decision   %s when p >= %.6f (%s)%n", r.decision().positiveClass(),
                    r.decision().threshold(), r.decision().operatingPoint());
        }
        if (!Double.isNaN(r.onnxMaxDifference())) {
            w.printf(Locale.ROOT, "onnx check max |logit_onnx - logit_dl4j| / max(1, |logit_dl4j|) = %.2e %s%n",
                    r.onnxMaxDifference(), r.onnxCheckedOn());
        }
        w.flush();
    }
}
