package org.dorametrics.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.dorametrics.job.Secret;

/**
 * Posts a message to a Slack-compatible incoming webhook: {@code text} (what every such endpoint reads), the route's
 * {@code channel}, and Block Kit blocks. The URL is a secret (it alone lets anyone post): it never appears in an error.
 */
final class WebhookNotifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slack's limit on a message's blocks. */
    private static final int MAX_BLOCKS = 50;

    private final Secret url;
    private final HttpClient client;

    WebhookNotifier(Secret url) {
        this.url = url;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    void send(String channel, AlertMessage message) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url.reveal()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(payload(channel, message), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            String reason = e.getClass().getSimpleName();
            throw new IOException("webhook: " + (e.getMessage() == null ? reason : url.scrub(e.getMessage()) + " (" + reason + ")"));
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new IOException("webhook answered HTTP " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + url.scrub(body.length() > 200 ? body.substring(0, 200) : body)));
        }
    }

    static String payload(String channel, AlertMessage message) {
        ObjectNode root = JSON.createObjectNode();
        if (channel != null) {
            root.put("channel", channel);
        }
        root.put("text", message.text());
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", message.title());
        for (String line : message.lines()) {
            if (blocks.size() >= MAX_BLOCKS - 1) {
                break;
            }
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", escape(line));
        }
        ArrayNode links = blocks.addObject().put("type", "context").putArray("elements");
        for (String link : message.links()) {
            links.addObject().put("type", "mrkdwn").put("text", escape("The team's numbers: " + link));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of text nodes always serialises", e);
        }
    }

    /** Slack's mrkdwn reads &, < and > as markup: they are escaped, so text from the sources stays text. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
