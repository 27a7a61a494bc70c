package io.airlock.proxy.http;

import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.relay.SessionRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;

/**
 * The agent-facing HTTP server. Pipeline, in order (the one place it is written down):
 * <ol>
 *   <li>{@code http}: {@link HttpServerCodec}, bounded initial line and headers;</li>
 *   <li>{@code aggregate}: {@link HttpObjectAggregator} up to {@code limits.maxFrameBytes} (413 beyond);</li>
 *   <li>{@code mcp}: {@link McpHttpHandler}, per connection: Origin/Host (403), then the agent token (401),
 *       then routing.</li>
 * </ol>
 * Connections start with auto-read off: the handler reads the next request only when the previous exchange is done.
 */
public final class AirlockServer implements AutoCloseable {

    private final AirlockConfig config;
    private final HttpFront front;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel channel;

    public AirlockServer(AirlockConfig config, JsonRpcParser parser, SessionRegistry sessions,
                         io.airlock.proxy.agents.AgentAuth agents) {
        this.config = config;
        this.front = new HttpFront(parser, sessions, new LinkedHashSet<>(config.servers().keySet()),
                new OriginPolicy(config.allowedOrigins(), config.host()), java.util.Objects.requireNonNull(agents,
                "agents"));
    }

    /** Binds and returns the address actually bound (port 0 in the config picks a free port). */
    public InetSocketAddress start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(io);
        int maxBody = config.limits().maxFrameBytes();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec(8192, 16 * 1024, 8192))
                                .addLast("aggregate", new HttpObjectAggregator(maxBody))
                                .addLast("mcp", new McpHttpHandler(front));
                    }
                });
        channel = bootstrap.bind(config.host(), config.port()).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /** The event loops (acceptor and workers), for the liveness probe; empty before {@link #start()}. */
    public java.util.List<io.netty.util.concurrent.EventExecutor> loops() {
        java.util.List<io.netty.util.concurrent.EventExecutor> all = new java.util.ArrayList<>();
        if (boss != null) {
            boss.forEach(all::add);
            workers.forEach(all::add);
        }
        return all;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
