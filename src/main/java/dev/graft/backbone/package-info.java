/**
 * The ResNet family as DL4J graphs, and their weights.
 *
 * <ul>
 *   <li>{@link dev.graft.backbone.ResNetSpec} describes a ResNet (torchvision resnet18..152, CIFAR
 *       resnet20..110, or any depths/widths); {@link dev.graft.backbone.ResNetBuilder} turns it into a
 *       {@code ComputationGraph} whose vertex names carry their stage ({@code stem.conv},
 *       {@code stage2.block0.conv1}, ...).</li>
 *   <li>{@link dev.graft.backbone.Backbone} is the built graph with its input size and mean/std
 *       ({@link dev.graft.backbone.InputSpec}) and its {@link dev.graft.backbone.Stages}: each stage's vertices,
 *       end vertex and parameters (the unit of freezing), which stages a model has frozen, where a model with
 *       frozen leading stages splits, the feature vertex ({@code [N, C]}) a new head attaches to and the optional
 *       classifier. Everything that needs a stage asks that object.</li>
 *   <li>{@link dev.graft.backbone.BackboneLoader} fills a backbone from {@code backbone.weights}: torchvision's
 *       published ImageNet files ({@link dev.graft.backbone.PretrainedWeights}, downloaded once and checked by
 *       sha256 by {@link dev.graft.backbone.WeightDownloader}), PyTorch files in zip and legacy format (read with
 *       a real pickle library), safetensors, Hugging Face folders, Hugging Face Hub ids (fetched into a local
 *       folder by {@link dev.graft.backbone.HuggingFaceHub}), or a Graft DL4J zip; converted graphs are cached
 *       ({@link dev.graft.backbone.ConvertedGraphCache}).</li>
 *   <li>{@link dev.graft.backbone.ReferencePreprocessor} is torchvision's evaluation preprocessing (Pillow's
 *       bilinear resize reproduced exactly), or a Hugging Face image processor's (bicubic, floored crop, read
 *       from {@code preprocessor_config.json}), used by {@code graft classify}.</li>
 * </ul>
 * Depends on {@code dev.graft}, {@code dev.graft.config}, DL4J/ND4J, Jackson and Razorvine pickle only.
 */
package dev.graft.backbone;
