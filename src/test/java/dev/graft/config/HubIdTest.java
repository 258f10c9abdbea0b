package dev.graft.config;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which {@code backbone.weights} values are Hub ids, and how a config keeps them. */
class HubIdTest {
    @TempDir
    Path dir;

    @Test
    void bareAndSchemeFormsWithOptionalRevision() {
        assertEquals(Optional.of(new HubId("microsoft", "resnet-50", "main")), HubId.parse("microsoft/resnet-50"));
        assertEquals(Optional.of(new HubId("microsoft", "resnet-50", "main")), HubId.parse("hf://microsoft/resnet-50"));
        assertEquals(Optional.of(new HubId("timm", "resnet50.a1_in1k", "refs/pr/3")),
                HubId.parse("hf://timm/resnet50.a1_in1k@refs/pr/3"));
        assertEquals("hf://org/name@v2", new HubId("org", "name", "v2").toString());
    }

    @Test
    void keywordsPathsAndFileNamesAreNotHubIds() {
        for (String notAnId : new String[] {"imagenet", "none", "./org/name", "/abs/org/name", "runs/w.pth",
                "weights/model.safetensors", "exports/model.zip", "a/b/c", "../org/name"}) {
            assertEquals(Optional.empty(), HubId.parse(notAnId), notAnId);
        }
    }

    @Test
    void anExistingLocalFolderWinsOverTheHub() throws IOException {
        Path local = Files.createDirectories(dir.resolve("microsoft/resnet-50"));
        assertEquals(Optional.empty(), HubId.parse(local.toString()));
        assertTrue(HubId.parse("hf://" + "microsoft/resnet-50").isPresent(), "hf:// always means the Hub");
    }

    @Test
    void malformedSchemeIdsAreRefused() {
        for (String bad : new String[] {"hf://resnet-50", "hf://org/name@", "hf://org/../x", "hf://a/b/c", "hf://"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubId.parse(bad), bad);
            assertTrue(e.getMessage().contains("is not a Hub id"), e.getMessage());
        }
    }

    @Test
    void aConfigKeepsAHubIdAsWrittenButResolvesALocalFolderOfThatName() throws IOException {
        Files.createDirectories(dir.resolve("images/a"));
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, "backbone: {arch: resnet50, weights: microsoft/resnet-50}\ndata: {root: images}\n");
        assertEquals("microsoft/resnet-50", new ConfigLoader().load(file).backbone().weights(),
                "no 'no such file' error, not turned into a path");
        Path local = Files.createDirectories(dir.resolve("microsoft/resnet-50"));
        assertEquals(local.toString(), new ConfigLoader().load(file).backbone().weights());
    }

    @Test
    void aSweepChoiceOfHubIdStaysAHubId() {
        SearchSpace space = new SearchSpace(List.of(new SearchDomain("backbone.weights", SearchDomain.Kind.CHOICE, 0,
                0, List.of(TextNode.valueOf("microsoft/resnet-50"), TextNode.valueOf("hf://microsoft/resnet-18"),
                TextNode.valueOf("w.pth"))))).resolvePaths(dir);
        assertEquals(List.of("microsoft/resnet-50", "hf://microsoft/resnet-18", dir.resolve("w.pth").toString()),
                space.dimensions().get(0).choices().stream().map(n -> n.asText()).toList());
    }
}
