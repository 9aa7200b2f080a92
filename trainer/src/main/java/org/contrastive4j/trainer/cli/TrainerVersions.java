package org.contrastive4j.trainer.cli;

import ai.djl.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrastive4j.core.cli.ComponentVersions;
import org.contrastive4j.models.DjlRuntime;

/** DJL and the PyTorch engine it runs, for {@code c4j --version} (starting the engine loads its natives). */
public final class TrainerVersions implements ComponentVersions {

    @Override
    public Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", DjlRuntime.engine().getVersion() + " (" + DjlRuntime.NATIVES_ARTIFACT + ")");
        return v;
    }
}
