package dev.graft.distributed;

import dev.graft.GraftException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the Spark context of a run: under {@code spark-submit}, or on the configured master. */
final class SparkContexts {
    private static final Logger LOG = LoggerFactory.getLogger(SparkContexts.class);

    private SparkContexts() {
    }

    /**
     * A context named after the run. {@code spark-submit --master} (the {@code spark.master} property) wins over
     * {@code master}; a local master binds to the loopback address and has no web UI.
     *
     * @throws GraftException when Spark cannot start (a bad master URL, no cluster, a context already running)
     */
    static JavaSparkContext open(String runName, String master) {
        SparkConf conf = new SparkConf().setAppName("graft " + (runName == null ? "" : runName));
        if (conf.contains("spark.master")) {
            if (!conf.get("spark.master").equals(master)) {
                LOG.info("Spark master {} from spark-submit (train.distributed.master {} not used)",
                        conf.get("spark.master"), master);
            }
        } else {
            conf.setMaster(master);
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        try {
            return new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new GraftException("cannot start Spark on " + conf.get("spark.master") + ": " + e.getMessage(), e);
        }
    }
}
