package io.airlock.proxy.http;

import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.proxy.relay.SessionRegistry;
import java.util.Set;

/** What every connection's handler shares: read-only settings, the session registry and the agent tokens. */
record HttpFront(JsonRpcParser parser, SessionRegistry sessions, Set<String> servers, OriginPolicy origins,
                 io.airlock.proxy.agents.AgentAuth agents) {}
