package dev.graft.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face transformers ResNet folder ({@code microsoft/resnet-50} and alike): the architecture from
 * {@code config.json} ({@code depths}, {@code hidden_sizes}, {@code layer_type}, {@code embedding_size},
 * {@code downsample_in_first_stage}, {@code downsample_in_bottleneck}), class names from {@code id2label}, and
 * the weights from {@code model.safetensors} or {@code pytorch_model.bin}, the preprocessing from
 * {@code preprocessor_config.json} when present.
 *
 * @param spec          the architecture, with a classifier when the weights have one
 * @param classNames    {@code id2label} in index order; empty when absent
 * @param weights       the file holding the tensors
 * @param preprocessing the folder's {@code preprocessor_config.json}, when it has one
 */
record HuggingFaceResNet(ResNetSpec spec, List<String> classNames, Path weights,
                         Optional<InputSpec> preprocessing) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code folder/config.json} and locates the weights file. */
    static HuggingFaceResNet open(Path folder) {
        Path configFile = folder.resolve("config.json");
        JsonNode config;
        try {
            config = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + configFile + ": " + TorchCheckpointReader.message(e),
                    GraftException.USAGE, e);
        }
        String type = config.path("model_type").asText("");
        if (!type.equals("resnet")) {
            throw GraftException.usage(configFile + " describes a '" + type + "' model; Graft reads Hugging Face"
                    + " ResNet folders (model_type: resnet)");
        }
        String act = config.path("hidden_act").asText("relu");
        if (!act.equals("relu") || config.path("num_channels").asInt(3) != 3) {
            throw GraftException.usage(configFile + ": only 3-channel ResNets with relu are supported (found "
                    + config.path("num_channels").asInt(3) + " channels, " + act + ")");
        }
        List<Integer> depths = ints(config, "depths", configFile);
        List<Integer> widths = ints(config, "hidden_sizes", configFile);
        String layerType = config.path("layer_type").asText("bottleneck");
        ResNetSpec.Block block = switch (layerType) {
            case "basic" -> ResNetSpec.Block.BASIC;
            case "bottleneck" -> ResNetSpec.Block.BOTTLENECK;
            default -> throw GraftException.usage(configFile + ": layer_type '" + layerType
                    + "' is not basic or bottleneck");
        };
        List<Integer> strides = new ArrayList<>();
        for (int i = 0; i < depths.size(); i++) {
            strides.add(i > 0 || config.path("downsample_in_first_stage").asBoolean(false) ? 2 : 1);
        }
        List<String> labels = new ArrayList<>();
        JsonNode id2label = config.path("id2label");
        for (int i = 0; i < id2label.size(); i++) {
            labels.add(id2label.path(String.valueOf(i)).asText("class " + i));
        }
        ResNetSpec spec;
        try {
            spec = new ResNetSpec(folder.getFileName().toString(), ResNetSpec.Stem.IMAGENET, block, depths,
                    widths, config.path("embedding_size").asInt(64), strides,
                    !config.path("downsample_in_bottleneck").asBoolean(false), ResNetSpec.Shortcut.PROJECTION,
                    0);
        } catch (IllegalArgumentException e) {
            throw new GraftException(configFile + ": " + e.getMessage(), GraftException.USAGE, e);
        }
        Path preprocessor = folder.resolve(HuggingFaceHub.PREPROCESSOR);
        return new HuggingFaceResNet(spec, labels, weightsFile(folder), Files.isRegularFile(preprocessor)
                ? Optional.of(HuggingFacePreprocessing.read(preprocessor)) : Optional.empty());
    }

    private static Path weightsFile(Path folder) {
        for (String name : List.of("model.safetensors", "pytorch_model.bin")) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return folder.resolve(name);
            }
        }
        throw GraftException.usage(folder + " has config.json but neither model.safetensors nor pytorch_model.bin"
                + (Files.exists(folder.resolve("model.safetensors.index.json")) ? " (sharded weights are not"
                + " supported)" : ""));
    }

    /** The weights as a state dict (Hugging Face names). */
    StateDict read() {
        return weights.getFileName().toString().endsWith(".safetensors")
                ? SafetensorsReader.read(weights) : TorchCheckpointReader.read(weights);
    }

    private static List<Integer> ints(JsonNode config, String field, Path file) {
        JsonNode node = config.path(field);
        if (!node.isArray() || node.isEmpty()) {
            throw GraftException.usage(file + ": '" + field + "' must be a non-empty list of integers");
        }
        List<Integer> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
