/**
 * Graft: fine-tune pretrained ResNet backbones into new image classifiers from one YAML file.
 * This root package holds the few types every layer shares: {@link dev.graft.GraftException} and
 * {@link dev.graft.AtomicFiles}.
 */
package dev.graft;
