/*
 * ParameterSet.java — every parameter of a GLA model in one fp32 allocation, with a named view per parameter, in
 * the reference's order (GlaConfig.parameters()). Parameters keeps them in host memory (checkpoints, the cpu);
 * DeviceParameters in a device's memory (the cuda backend). The layer code (GlaModel, GlaBlock) and the trainer read
 * and write parameters and gradients through this interface only, so one model runs on either.
 */
package io.github.gla4j.model;

import io.github.gla4j.memory.Tensor;

import java.util.Map;
import java.util.NoSuchElementException;
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

    /** The view named name in views, or NoSuchElementException saying what is missing (the implementations' get). */
    static <T> T lookup(Map<String, T> views, String name) {
        T t = views.get(name);
        if (t == null) {
            throw new NoSuchElementException("no parameter named '" + name + "'"
                    + (name.equals("lm_head.weight") ? " (tied embeddings: the head is model.embeddings.weight)" : ""));
        }
        return t;
    }
}
