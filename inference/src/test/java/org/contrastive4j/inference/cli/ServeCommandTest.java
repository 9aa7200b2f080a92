package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.DefaultParser;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.inference.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = C4j.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void serveIsACommandOfTheToolAndItsHelpNamesItsFlags() {
        Run help = cli("--help");
        assertTrue(help.out().contains("  serve "), help.out());
        Run serveHelp = cli("serve", "--help");
        for (String flag : new String[] {"--model", "--index", "--name", "--host", "--port", "--max-batch-size", "--max-batch-delay-ms",
            "--max-queue-rows", "--max-request-rows", "--max-body-bytes", "--request-timeout-ms", "--api-key-file", "--normalize"}) {
            assertTrue(serveHelp.out().contains(flag), flag + " missing from:\n" + serveHelp.out());
        }
        // A server reads no input files: the input flags of embed/classify are not offered.
        assertTrue(!serveHelp.out().contains("--input ") && !serveHelp.out().contains("--batch-size"), serveHelp.out());
    }

    @Test
    void badFlagsAreOneLineErrors() throws Exception {
        String model = TestModels.toolkit().toString();
        Path empty = Files.writeString(tmp.resolve("empty.keys"), "\n\n");
        String[][] cases = {
            {"c4j serve: --port must be in [0, 65535], got 70000", "--port", "70000"},
            {"c4j serve: --port must be an integer, got 'x'", "--port", "x"},
            {"c4j serve: --max-batch-size must be in [1, 65536], got 0", "--max-batch-size", "0"},
            {"c4j serve: --max-request-rows 10 is more than --max-queue-rows 5: such a request could never be queued",
                "--max-request-rows", "10", "--max-queue-rows", "5"},
            {"c4j serve: --k and --vote apply to a k-NN index; give --index ref.idx", "--k", "3"},
            {"c4j serve: " + empty + ": no API key in the file (one key per line)", "--api-key-file", empty.toString()},
            {"c4j serve: no such file: " + tmp.resolve("nope.keys"), "--api-key-file", tmp.resolve("nope.keys").toString()},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length + 2];
            args[0] = "serve";
            args[1] = "--model=" + model;
            System.arraycopy(c, 1, args, 2, c.length - 1);
            Run r = cli(args);
            assertNotEquals(0, r.code());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith(c[0]), "expected '" + c[0] + "', got: " + r.err());
        }
        Run noModel = cli("serve", "--model", tmp.resolve("missing.onnx").toString(), "--port", "0");
        assertTrue(noModel.err().startsWith("c4j serve: no such file: " + tmp.resolve("missing.onnx")), noModel.err());
    }

    @Test
    void startsOnAFreePortPrintsItAndStops() throws Exception {
        Path keys = Files.writeString(tmp.resolve("api.keys"), "k-123\n");
        ServeCommand command = new ServeCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        String[] args = {"--model", TestModels.toolkit().toString(), "--port", "0", "--api-key-file", keys.toString(),
            "--max-batch-size", "16"};
        int port;
        try (ServeCommand.Running running = command.start(new DefaultParser().parse(command.options(), args), context)) {
            Matcher m = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)\\n").matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(m.find(), out.toString(StandardCharsets.UTF_8));
            port = Integer.parseInt(m.group(1));
            assertEquals(running.server().port(), port);
            assertNotEquals(0, port);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("is readable by every user; chmod 600 it")
                    || !Files.getPosixFilePermissions(keys).contains(PosixFilePermission.OTHERS_READ));
            HttpResponse<String> info = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/info"))
                    .header("Authorization", "Bearer k-123").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode(), info.body());
            JsonObject o = JsonParser.parseString(info.body()).getAsJsonObject();
            assertEquals("toolkit", o.get("name").getAsString()); // the file name without .onnx
            assertEquals("head", o.getAsJsonObject("classifier").get("kind").getAsString());
            assertEquals(16, o.getAsJsonObject("limits").get("max_batch_size").getAsInt());
            assertTrue(o.get("auth").getAsBoolean());
        }
        HttpRequest after = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        assertThrows(ConnectException.class, () -> send(after), "the server still answers after close");
    }

    private static void send(HttpRequest r) throws IOException, InterruptedException {
        CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
