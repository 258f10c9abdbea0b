/**
 * Typed, validated experiment configuration: immutable records bound from YAML by
 * {@link dev.graft.config.RecordBinder}, loaded with {@link dev.graft.config.ConfigLoader}. Unknown keys and
 * bad values are all reported at once, each with its YAML path. Depends on the JDK and Jackson only.
 */
package dev.graft.config;
