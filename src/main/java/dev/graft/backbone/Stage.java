package dev.graft.backbone;

import java.util.List;

/**
 * One stage of a backbone graph, the unit of freezing: {@code stem}, {@code stage1}, ...
 *
 * @param name           {@code stem} or {@code stageN}
 * @param endVertex      the vertex whose output leaves the stage ({@code stem.pool}, {@code stage2.block3.out});
 *                       freezing a stage and all before it is freezing everything up to this vertex
 * @param channels       channels of the stage's output
 * @param reduction      how much smaller than the input image the stage's output is (4 = a quarter per side)
 * @param vertices       every vertex of the stage, in the order they were added
 * @param parameterNames the stage's entries in DL4J's parameter table ({@code stem.conv_W}, BatchNorm running
 *                       statistics included)
 * @param parameterCount the stage's parameters as PyTorch counts them (BatchNorm running statistics are buffers)
 */
public record Stage(String name, String endVertex, int channels, int reduction, List<String> vertices,
                    List<String> parameterNames, long parameterCount) {
    public Stage {
        vertices = List.copyOf(vertices);
        parameterNames = List.copyOf(parameterNames);
    }

    /** True when {@code vertex} belongs to this stage. */
    public boolean contains(String vertex) {
        return vertices.contains(vertex);
    }
}
