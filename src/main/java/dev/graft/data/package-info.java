/**
 * The image data pipeline: from a {@code data:} config section to DL4J {@code DataSetIterator}s.
 *
 * <p>{@link dev.graft.data.ImageDataset#scan} resolves the layout (folder per class, root + seeded stratified
 * split, or CSV manifest), checks every file's structure without decoding pixels ({@link dev.graft.data.ImageProbe}),
 * skips and lists unreadable files, and fixes the class list. {@link dev.graft.data.DataPipeline} turns a scanned
 * dataset into {@link dev.graft.data.ImageBatchIterator}s: parallel OpenCV decode, seeded per-sample augmentation
 * ({@link dev.graft.data.AugmentOp}), resize/centre-crop, normalisation with the caller's mean/std
 * ({@link dev.graft.data.Normalization}) and asynchronous prefetch. {@link dev.graft.data.ClassBalance} gives loss
 * weights and the balanced sampler; {@link dev.graft.data.DataReport} and {@link dev.graft.data.ContactSheet}
 * describe the data for {@code graft data}.
 *
 * <p>May use {@code dev.graft.config}, {@code dev.graft}, DataVec's OpenCV binding, ND4J/DL4J iterator APIs and
 * Jackson; never backbone, model, train or cli.
 */
package dev.graft.data;
