/**
 * {@code graft serve}: an HTTP JSON inference server over an exported bundle, on Undertow (XNIO; no Netty or Jetty
 * of its own, so it sits beside Spark's shaded Jetty). {@link dev.graft.serve.InferenceServer} routes
 * {@code POST /v1/predict} (raw image bytes or multipart, {@code ?top=k}), {@code GET /v1/health} and
 * {@code GET /v1/model}; {@link dev.graft.serve.ServerOptions} bounds body size, workers and queue.
 *
 * <p>May use {@code dev.graft}, export and config only.
 */
package dev.graft.serve;
