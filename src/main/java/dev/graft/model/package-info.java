/**
 * The classifier Graft trains: a {@link dev.graft.backbone.Backbone} with its classifier removed, a new head
 * on its pooled features, and freezing by stage. Frozen stages are wrapped in DL4J {@code FrozenLayer}s (no
 * updates, BatchNorm in inference mode); every trainable layer gets the updater of its stage group.
 */
package dev.graft.model;
