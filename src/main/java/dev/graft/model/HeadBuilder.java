package dev.graft.model;

import dev.graft.config.HeadConfig;
import dev.graft.config.TrainLoss;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Adds the head to a graph builder: optional hidden dense layers (each optionally followed by batch
 * normalisation) and the output {@code head.problem} asks for (softmax, sigmoids or a linear value) with its
 * loss, with dropout before every dense layer.
 * Vertex names: {@code head.dense0}, {@code head.bn0}, {@code head.act0}, ..., {@code head.out}.
 */
final class HeadBuilder {
    static final String OUTPUT = "head.out";

    private HeadBuilder() {
    }

    /** Adds the head on top of {@code input} (width {@code inputWidth}); returns the output vertex name. */
    static String add(ComputationGraphConfiguration.GraphBuilder graph, HeadSpec spec, String input,
                      int inputWidth) {
        HeadConfig config = spec.config();
        String previous = input;
        int width = inputWidth;
        for (int i = 0; i < config.hidden().size(); i++) {
            int units = config.hidden().get(i);
            DenseLayer.Builder dense = new DenseLayer.Builder().nIn(width).nOut(units)
                    .weightInit(WeightInit.RELU)
                    .activation(config.batchNorm() ? Activation.IDENTITY : activation(config.activation()));
            dropout(dense, config.dropout());
            graph.addLayer("head.dense" + i, dense.build(), previous);
            previous = "head.dense" + i;
            if (config.batchNorm()) {
                graph.addLayer("head.bn" + i, new BatchNormalization.Builder().nIn(units).nOut(units)
                        .activation(Activation.IDENTITY).build(), previous);
                graph.addLayer("head.act" + i, new ActivationLayer(activation(config.activation())),
                        "head.bn" + i);
                previous = "head.act" + i;
            }
            width = units;
        }
        OutputLayer.Builder out = new OutputLayer.Builder(loss(spec)).nIn(width).nOut(spec.numClasses())
                .weightInit(WeightInit.XAVIER).activation(outputActivation(config.problem()));
        dropout(out, config.dropout());
        graph.addLayer(OUTPUT, out.build(), previous);
        return OUTPUT;
    }

    /**
     * Softmax + cross-entropy or focal loss ({@code train.loss}; optionally class-weighted); a sigmoid per label +
     * binary cross-entropy (optionally weighting positives); or identity + mean squared error, L1 or Huber. The
     * losses apply a per-output labels mask, which is how an unknown label is ignored.
     */
    static ILossFunction loss(HeadSpec spec) {
        HeadConfig config = spec.config();
        return switch (config.problem()) {
            case SINGLE_LABEL -> singleLabelLoss(spec);
            case MULTI_LABEL -> spec.lossWeights() == null ? new LossBinaryXENT()
                    : new PositiveWeightedBinaryCrossEntropy(toDoubles(spec.lossWeights()));
            case REGRESSION -> switch (config.regressionLoss()) {
                case MSE -> new LossMSE();
                case L1 -> new LossL1();
                case HUBER -> new HuberLoss(config.huberDelta());
            };
        };
    }

    /** Cross-entropy (DL4J's, which takes soft targets such as mixup's) or the focal loss, class-weighted or not. */
    private static ILossFunction singleLabelLoss(HeadSpec spec) {
        if (spec.loss().kind() == TrainLoss.Kind.FOCAL) {
            return new SoftmaxFocalLoss(spec.loss().gamma(),
                    spec.lossWeights() == null ? null : toDoubles(spec.lossWeights()));
        }
        return spec.lossWeights() == null ? new LossMCXENT() : new LossMCXENT(Nd4j.create(spec.lossWeights()));
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The output layer's activation for {@code problem}. */
    static Activation outputActivation(HeadConfig.Problem problem) {
        return switch (problem) {
            case SINGLE_LABEL -> Activation.SOFTMAX;
            case MULTI_LABEL -> Activation.SIGMOID;
            case REGRESSION -> Activation.IDENTITY;
        };
    }

    /** Config dropout is the probability to DROP; DL4J's Dropout takes the probability to RETAIN. */
    private static void dropout(org.deeplearning4j.nn.conf.layers.BaseLayer.Builder<?> layer, double drop) {
        if (drop > 0) {
            layer.dropOut(new Dropout(1.0 - drop));
        }
    }

    static Activation activation(HeadConfig.Activation activation) {
        return switch (activation) {
            case RELU -> Activation.RELU;
            case GELU -> Activation.GELU;
            case SWISH -> Activation.SWISH;
            case TANH -> Activation.TANH;
            case LEAKYRELU -> Activation.LEAKYRELU;
        };
    }
}
