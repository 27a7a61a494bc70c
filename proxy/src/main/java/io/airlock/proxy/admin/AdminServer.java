package io.airlock.proxy.admin;

import io.airlock.policy.operator.HeldCalls;
import io.airlock.proxy.http.OriginPolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operator's admin API (docs/ADMIN-API.md): its own port, loopback by default, one small event loop (operators
 * are few). Pipeline: HTTP codec with small bounds, a 64 KiB aggregator (decisions are tiny), {@link AdminHandler}.
 */
public final class AdminServer implements AutoCloseable {

    private static final int MAX_BODY = 64 * 1024;

    private final String host;
    private final int port;
    private final AdminEvents events;
    private final AdminHandler.Context context;
    private EventLoopGroup group;
    private Channel channel;

    public AdminServer(String host, int port, AdminToken token, HeldCalls held, Supplier<String> policyRevision) {
        this(host, port, token, held, policyRevision, null);
    }

    /** @param ops {@code /healthz}, {@code /readyz} and {@code /metrics}, or null to serve only the operator API */
    public AdminServer(String host, int port, AdminToken token, HeldCalls held, Supplier<String> policyRevision,
                       io.airlock.proxy.ops.OpsEndpoints ops) {
        this.host = host;
        this.port = port;
        this.events = new AdminEvents(held);
        this.context = new AdminHandler.Context(token, held, events, new OriginPolicy(List.of(), host),
                policyRevision, ops);
    }

    public InetSocketAddress start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec(4096, 8192, 8192))
                                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
                                .addLast("admin", new AdminHandler(context));
                    }
                });
        channel = bootstrap.bind(host, port).sync().channel();
        events.start(group.next());
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        events.close();
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
