/*
 * ParameterSet.java — every parameter of a GLA model in one fp32 allocation, with a named view per parameter, in
 * the reference's order (GlaConfig.parameters()). Parameters keeps them in host memory (checkpoints, the cpu);
 * DeviceParameters in a device's memory (the cuda backend). The layer code (GlaModel, GlaBlock) and the trainer read
 * and write parameters and gradients through this interface only, so one model runs on either.
 */
package io.github.gla4j.model;

import io.github.gla4j.memory.Tensor;

import java.util.Set;

public interface ParameterSet extends AutoCloseable {

    GlaConfig config();

    /** Parameter names in the reference order. */
    Set<String> names();

    /** The view of one parameter, e.g. get("model.layers.0.attn.q_proj.weight") [key_dim, hidden_size]. */
    Tensor get(String name);

    /** All parameters as one vector [parameterCount()], in the reference order. */
    Tensor flat();

    /** Sets every parameter to 0. */
    void zero();

    @Override
    void close();
}
