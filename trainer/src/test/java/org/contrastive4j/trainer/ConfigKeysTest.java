package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config-file keys are exactly the flags with {@code _} for {@code -}, loss parameters included. */
class ConfigKeysTest {

    @TempDir
    Path dir;

    private static TrainConfig resolve(String... args) throws IOException, ParseException {
        CommandLine line = new DefaultParser().parse(TrainOptions.options(), args);
        return TrainOptions.resolve(line);
    }

    private TrainConfig fromFile(String json, String... more) throws IOException, ParseException {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, json);
        String[] args = new String[more.length + 2];
        args[0] = "--config";
        args[1] = cfg.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return resolve(args);
    }

    @Test
    void lossParametersAtTheTopLevelOfAConfigFileWorkLikeTheirFlags() throws Exception {
        TrainConfig file = fromFile("{\"loss\": \"supcon\", \"temperature\": 0.2, \"base_temperature\": 0.07}");
        assertEquals(Map.of("temperature", "0.2", "base-temperature", "0.07"), file.lossParams());
        assertEquals(resolve("--loss", "supcon", "--temperature", "0.2", "--base-temperature", "0.07"), file);
        TrainConfig dystress = fromFile("{\"loss\": \"sincere\", \"temperature_schedule\": \"dystress\", \"tau_min\": 0.05}");
        assertEquals(Map.of("temperature-schedule", "dystress", "tau-min", "0.05"), dystress.lossParams());
        assertEquals(resolve("--loss", "sincere", "--temperature-schedule", "dystress", "--tau-min", "0.05"), dystress);
    }

    @Test
    void theLossParamsObjectKeepsWorkingInEitherSpelling() throws Exception {
        Map<String, String> expected = Map.of("tau-max", "0.3", "tau-min", "0.04", "temperature-schedule", "dystress");
        assertEquals(expected, fromFile("{\"loss_params\": {\"tau-max\": 0.3, \"temperature-schedule\": \"dystress\", "
                + "\"tau-min\": 0.04}}").lossParams());
        assertEquals(expected, fromFile("{\"loss_params\": {\"tau_max\": 0.3, \"temperature_schedule\": \"dystress\", "
                + "\"tau_min\": 0.04}}").lossParams());
        // a flag overrides the file, as for every other option
        assertEquals("0.5", fromFile("{\"temperature\": 0.3}", "--temperature", "0.5").lossParams().get("temperature"));
    }

    @Test
    void aParameterGivenTwiceWithDifferentValuesIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromFile("{\"temperature\": 0.2, \"loss_params\": {\"temperature\": 0.3}}"));
        assertTrue(e.getMessage().contains("temperature is given twice"), e.getMessage());
    }

    @Test
    void anUnknownKeyIsAnErrorNamingItAndTheClosestValidKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromFile("{\"temprature\": 0.2}"));
        assertTrue(e.getMessage().contains("unknown option 'temprature'") && e.getMessage().contains("did you mean temperature"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fromFile("{\"batchsize\": 64}"));
        assertTrue(e.getMessage().contains("did you mean batch_size"), e.getMessage());
        // the flag spelling is not a config key: the message points at the key
        e = assertThrows(IllegalArgumentException.class, () -> fromFile("{\"tau-min\": 0.05}"));
        assertTrue(e.getMessage().contains("unknown option 'tau-min'") && e.getMessage().contains("tau_min"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fromFile("{\"tau_min\": [0.05]}"));
        assertTrue(e.getMessage().contains("tau_min (a loss parameter) must be a number"), e.getMessage());
    }

    @Test
    void everyConfigKeyIsAFlagAndEveryFlagIsAConfigKey() {
        Options options = TrainOptions.options();
        for (String key : TrainOptions.configKeys()) {
            if (!key.equals("loss_params")) {
                assertTrue(options.hasLongOption(key.replace('_', '-')), key + " has no flag");
            }
        }
        // literal: a few documented keys of both kinds
        for (String key : new String[] {"batch_size", "validation_fraction", "temperature", "tau_min", "tau_max",
            "temperature_schedule", "base_temperature"}) {
            assertTrue(TrainOptions.configKeys().contains(key), key);
        }
        options.getOptions().stream().map(o -> o.getLongOpt())
                .filter(flag -> !flag.equals("config") && !flag.equals("resume") && !flag.equals("overwrite"))
                .forEach(flag -> assertTrue(TrainOptions.configKeys().contains(flag.replace('-', '_')), flag + " has no key"));
    }

    @Test
    void aRunsConfigJsonWithItsRecordedEvalSplitReadsBackAsAConfig() throws Exception {
        TrainConfig c = fromFile("{\"epochs\": 3, \"eval_split\": \"test (t10k-images-idx3-ubyte.gz)\"}");
        assertEquals(3, c.epochs());
    }
}
