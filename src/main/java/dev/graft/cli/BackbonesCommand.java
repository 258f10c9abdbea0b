package dev.graft.cli;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.InputSpec;
import dev.graft.backbone.PretrainedWeights;
import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.config.Arch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code graft backbones}: the architectures Graft builds, their size, stage boundaries and published weights. */
@Command(name = "backbones", mixinStandardHelpOptions = true,
        description = {"List the backbones: parameters (PyTorch's count, with the original classifier), input,"
                + " stages with the vertex that ends each (what 'freeze' acts on), and torchvision's ImageNet"
                + " weights (backbone.weights: imagenet | imagenet_v2)."})
final class BackbonesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Arch arch : Arch.values()) {
            ResNetSpec resnet = ResNetSpec.of(arch);
            InputSpec input = InputSpec.forStem(resnet.stem());
            ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(resnet, input.size(), 0);
            long params = Backbone.parameterCount(bp.configuration());
            out.printf(Locale.ROOT, "%-16s %s blocks %s, %,d parameters (with fc %d), input %dx%d%n", arch.id(),
                    resnet.block().name().toLowerCase(Locale.ROOT), resnet.depths(), params, resnet.numClasses(),
                    input.size(), input.size());
            Stages stages = bp.stages();
            for (Stage stage : stages.list()) {
                out.printf(Locale.ROOT, "    %-8s ends at %-22s %5d channels, 1/%d resolution, %,11d parameters%n",
                        stage.name(), stage.endVertex(), stage.channels(), stage.reduction(), stage.parameterCount());
            }
            out.printf(Locale.ROOT, "    %-8s %-31s %5d features; classifier: %s%n", "features",
                    stages.featureVertex(), resnet.featureWidth(), stages.classifierVertex().orElse("none"));
            List<PretrainedWeights> published = PretrainedWeights.of(arch);
            if (published.isEmpty()) {
                out.println("    weights  no published ImageNet weights (CIFAR model): use a path or none");
            }
            for (PretrainedWeights w : published) {
                out.printf(Locale.ROOT, "    weights  %-12s %s (%s, top-1 %.2f%%, sha256 %s%s)%n", w.keyword(),
                        w.url(), w.variant(), w.top1(), w.sha256().substring(0, 8),
                        w.fullDigest() ? "..." : ", prefix only");
            }
            out.println();
        }
        out.println("backbone.weights also takes a path: a PyTorch .pth/.pt/.th (zip or legacy torch.save),"
                + " a .safetensors file, a Hugging Face ResNet folder, or a DL4J .zip written by Graft; or a Hugging"
                + " Face Hub id (microsoft/resnet-50, hf://org/name@revision), fetched once into the weights folder.");
        out.flush();
        return 0;
    }
}
