package io.lamina.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a container takes from an OCI image config ({@code config} object): environment,
 * entrypoint, command, working directory and user. Missing fields are empty.
 */
record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workingDir, String user) {
    private static final ObjectMapper JSON = new ObjectMapper();

    ImageConfig {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
    }

    /** Parses the image config JSON. @throws RunException when it is not JSON */
    static ImageConfig parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new RunException("the image config is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode c = root == null ? null : root.get("config");
        if (c == null || !c.isObject()) return new ImageConfig(List.of(), List.of(), List.of(), "", "");
        return new ImageConfig(strings(c.get("Env")), strings(c.get("Entrypoint")), strings(c.get("Cmd")),
                text(c.get("WorkingDir")), text(c.get("User")));
    }

    /**
     * The process arguments, as docker run builds them: the entrypoint followed by {@code command}
     * when one is given, else by the image's Cmd. Empty when there is nothing to run.
     */
    List<String> args(List<String> command) {
        List<String> a = new ArrayList<>(entrypoint);
        a.addAll(command.isEmpty() ? cmd : command);
        return a;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asText();
    }
}
