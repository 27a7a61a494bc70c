package io.airlock.proxy.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.mcp.Meta;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import java.util.List;

/**
 * Where several clients share one upstream, Airlock gives each request a gateway-unique id on the way in; this stream
 * puts the client's own id back on the answer, and on the subscription id of a listen stream's notifications (only
 * those bytes change), before they reach the client.
 */
public final class IdRestoringStream implements ClientStream {

    private static final List<String> SUBSCRIPTION_PATH = List.of("params", "_meta", Meta.SUBSCRIPTION_ID);

    private final ClientStream client;
    private final JsonRpcId gatewayId;
    private final JsonRpcId clientId;
    private final JsonRpcParser parser;

    public IdRestoringStream(ClientStream client, JsonRpcId gatewayId, JsonRpcId clientId, JsonRpcParser parser) {
        this.client = client;
        this.gatewayId = gatewayId;
        this.clientId = clientId;
        this.parser = parser;
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        if (message instanceof JsonRpcMessage.Response response && gatewayId.equals(response.id())) {
            return client.send(parser.withId(response, clientId));
        }
        JsonNode subscription = Meta.get(message, Meta.SUBSCRIPTION_ID);
        if (subscription != null && gatewayId.equals(JsonRpcId.ofNode(subscription))) {
            return client.send(parser.withValueAt(message, SUBSCRIPTION_PATH, clientId.node()));
        }
        return client.send(message);
    }

    @Override
    public boolean isOpen() {
        return client.isOpen();
    }

    @Override
    public void unanswered(JsonRpcId id) {
        client.unanswered(gatewayId.equals(id) ? clientId : id);
    }
}
