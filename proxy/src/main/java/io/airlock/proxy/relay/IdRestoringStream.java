package io.airlock.proxy.relay;

import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;

/**
 * Where several clients share one upstream, Airlock gives each request a gateway-unique id on the way in; this stream
 * puts the client's own id back on the answer (only the id bytes change) before it reaches the client.
 */
public final class IdRestoringStream implements ClientStream {

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
        return client.send(message);
    }

    @Override
    public boolean isOpen() {
        return client.isOpen();
    }
}
