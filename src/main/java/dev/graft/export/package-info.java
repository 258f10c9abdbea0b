/**
 * Inference bundles: how a trained model leaves Graft for a service.
 *
 * <p>{@link dev.graft.export.BundleExporter} turns a run's checkpoint into a bundle folder (and optionally a
 * {@code .zip}): the DL4J model without optimizer state, an ONNX model written by
 * {@link dev.graft.export.OnnxExporter} (opset 13, input {@code pixel_values}, outputs {@code probabilities} and
 * {@code logits}; built on the ONNX protobuf schema that ships with nd4j-api), {@code labels.json},
 * {@code preprocessing.json} ({@link dev.graft.export.Preprocessing}), {@code bundle.json}
 * ({@link dev.graft.export.BundleManifest}) and {@code model-card.md}. {@link dev.graft.export.Classifier} loads a
 * bundle and classifies files, encoded bytes or decoded images with training's own evaluation transform, on DL4J
 * or ONNX Runtime.
 *
 * <p>May use {@code dev.graft}, config, backbone, model, data, run and metrics; never train (checkpoints are read
 * through their documented zip entries) or cli.
 */
package dev.graft.export;
