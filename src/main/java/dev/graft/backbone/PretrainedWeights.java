package dev.graft.backbone;

import dev.graft.config.Arch;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * torchvision's published ImageNet-1k checkpoints ({@code torchvision.models.ResNet*_Weights}), with the
 * evaluation resize each was published with. The file names carry the first 8 hex digits of the file's
 * sha256; the full digests were cross-checked in several public projects that pin them. For
 * resnet152 IMAGENET1K_V2 no full digest could be found, so only its 8-digit prefix is checked.
 *
 * @param arch     the architecture the weights fit
 * @param variant  torchvision's name: {@code IMAGENET1K_V1} or {@code IMAGENET1K_V2}
 * @param url      where torchvision downloads the file from
 * @param sha256   the file's sha256 (64 hex digits) or, where unknown, its 8-digit prefix
 * @param resize   the shorter side before the 224 centre crop in torchvision's evaluation transform
 * @param top1     ImageNet-1k top-1 accuracy torchvision reports, in percent
 */
public record PretrainedWeights(Arch arch, String variant, URI url, String sha256, int resize, double top1) {
    private static final String BASE = "https://download.pytorch.org/models/";

    /** Every published checkpoint, V1 before V2 per architecture. */
    public static final List<PretrainedWeights> ALL = List.of(
            v1(Arch.RESNET18, "resnet18-f37072fd.pth",
                    "f37072fd47e89c5e827621c5baffa7500819f7896bbacec160b1a16c560e07ec", 69.758),
            v1(Arch.RESNET34, "resnet34-b627a593.pth",
                    "b627a593bcbe140c234610266fe4f8ae95ea42fc881d091c9b6052e6b1d0590f", 73.314),
            v1(Arch.RESNET50, "resnet50-0676ba61.pth",
                    "0676ba61b6795bbe1773cffd859882e5e297624d384b6993f7c9e683e722fb8a", 76.130),
            v2(Arch.RESNET50, "resnet50-11ad3fa6.pth",
                    "11ad3fa62ca79e40addfd354a8ec4b7c75143b3038b8d2a807fbc68deab379ca", 80.858),
            v1(Arch.RESNET101, "resnet101-63fe2227.pth",
                    "63fe2227b86e8f1f2063f43a75c84d195911b6a0eace650907dd3dc62dd49a0a", 77.374),
            v2(Arch.RESNET101, "resnet101-cd907fc2.pth",
                    "cd907fc2a0de2292b2ba2b27d2216bc672d84632d1cf20058d01c0c03b5e020e", 81.886),
            v1(Arch.RESNET152, "resnet152-394f9c45.pth",
                    "394f9c45966e3651a89bbb78a48410a6755854ce4a5ab64927cf1c7247f85e58", 78.312),
            v2(Arch.RESNET152, "resnet152-f82ba261.pth", "f82ba261", 82.284));

    private static PretrainedWeights v1(Arch arch, String file, String sha256, double top1) {
        return new PretrainedWeights(arch, "IMAGENET1K_V1", URI.create(BASE + file), sha256, 256, top1);
    }

    private static PretrainedWeights v2(Arch arch, String file, String sha256, double top1) {
        return new PretrainedWeights(arch, "IMAGENET1K_V2", URI.create(BASE + file), sha256, 232, top1);
    }

    /**
     * The checkpoint a weights keyword names: {@code imagenet} and {@code imagenet_v1} give IMAGENET1K_V1,
     * {@code imagenet_v2} gives IMAGENET1K_V2. Empty when torchvision publishes none for {@code arch}.
     */
    public static Optional<PretrainedWeights> find(Arch arch, String keyword) {
        String variant = switch (keyword) {
            case "imagenet", "imagenet_v1" -> "IMAGENET1K_V1";
            case "imagenet_v2" -> "IMAGENET1K_V2";
            default -> throw new IllegalArgumentException("not an ImageNet weights keyword: " + keyword);
        };
        return ALL.stream().filter(w -> w.arch == arch && w.variant.equals(variant)).findFirst();
    }

    /** All published checkpoints of {@code arch}. */
    public static List<PretrainedWeights> of(Arch arch) {
        return ALL.stream().filter(w -> w.arch == arch).toList();
    }

    /** The file name, e.g. {@code resnet50-0676ba61.pth}. */
    public String fileName() {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The keyword selecting these weights in {@code backbone.weights}. */
    public String keyword() {
        return variant.endsWith("V2") ? "imagenet_v2" : "imagenet";
    }

    /** True when {@link #sha256} is the whole digest, not only a prefix. */
    public boolean fullDigest() {
        return sha256.length() == 64;
    }

    /** The input facts of these weights: ImageNet mean/std, 224 crop after resizing to {@link #resize}. */
    public InputSpec input() {
        return InputSpec.imagenet(resize);
    }
}
