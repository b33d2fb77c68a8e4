using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shop.Messaging.Events;
using Shop.Messaging.Functions;
using Shop.Messaging.Publishing;
using Shop.Messaging.Retention;
using Shop.Messaging.Security;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.Tests;

/// <summary>
/// The least-privilege ACL of <see cref="MessagingAcl"/> (what the AppHost gives each service and the streams console):
/// enough for everything the bus does, and nothing a service must not do — read the server's secrets, run code of its
/// own, or write a stream it only reads.
/// </summary>
public sealed class AclTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly List<string> _users = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var user in _users)
        {
            await redis.Database.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task Bus_runs_as_a_least_privilege_ACL_user_without_a_single_refused_command()
    {
        var stream = RedisFixture.UniqueName("orders");
        var (user, password) = await CreateUserAsync(MessagingAcl.UserRules, publishes: [stream], consumes: [stream]);
        // A consumer of the group that is long gone and holds nothing: the clean-up (FCALL of the loaded function) removes it.
        var streams = new StreamProbe(redis, stream);
        await streams.CreateGroupAsync("test-service");
        await redis.Database.ExecuteAsync("XGROUP", "CREATECONSUMER", (RedisKey)streams.Key, "test-service", "long-gone");
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        (options.User, options.Password, options.AllowAdmin) = (user, password, false);
        var probe = new HandlerProbe();
        using var host = TestBus.Build(redis, stream, probe,
            settings: new Dictionary<string, string?>
            {
                ["Messaging:StatsInterval"] = "00:00:00.100",
                ["Messaging:ConsumerIdleTimeout"] = "00:00:00.050",
                ["Messaging:TrimInterval"] = "1.00:00:00",
            },
            configure: builder => builder.Logging.AddFakeLogging(),
            connectionString: options.ToString(includePassword: true));
        await host.StartAsync(TestContext.Current.CancellationToken);

        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        await publisher.PublishAsync(new ThingHappened("allowed", 1), TestContext.Current.CancellationToken);
        await streams.AddRawAsync(data: "{broken");
        await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the event handled");
        await Wait.UntilAsync(async () => (await streams.DeadLettersAsync()).Length == 1, Timeout, "the dead letter");
        await Wait.UntilAsync(async () => (await streams.ConsumersAsync("test-service")).All(consumer => consumer.Name != "long-gone"),
            Timeout, "the idle consumer removed by the function");
        await host.Services.GetRequiredService<StreamTrimmer>().TrimAsync(streams.Key);
        await host.StopAsync(TestContext.Current.CancellationToken);

        var complaints = host.Services.GetFakeLogCollector().GetSnapshot()
            .Where(record => record.Level >= LogLevel.Warning && record.Message.Contains("Dead-lettered", StringComparison.Ordinal) is false).ToList();
        Assert.True(complaints.Count == 0, string.Join(Environment.NewLine, complaints.Select(record => $"{record.Level}: {record.Message} {record.Exception?.Message}")));
        var refused = (await AclLog.RefusalsAsync(redis.Connection)).Where(refusal => refusal.StartsWith($"{user}:", StringComparison.Ordinal)).ToList();
        Assert.True(refused.Count == 0, string.Join(Environment.NewLine, refused));
    }

    [Fact]
    public async Task Service_user_reads_no_secret_runs_no_code_of_its_own_and_writes_no_stream_it_only_consumes()
    {
        var (own, foreign) = (RedisFixture.UniqueName("orders"), RedisFixture.UniqueName("inventory"));
        var (user, password) = await CreateUserAsync(MessagingAcl.UserRules, publishes: [own], consumes: [foreign]);
        await redis.Database.StreamCreateConsumerGroupAsync(foreign, "its-group", StreamPosition.Beginning, createStream: true);
        await using var service = await AclProbe.ConnectAsync(redis.ConnectionString, user, password);

        // Secrets: every CONFIG subcommand, and the ACL of others.
        await RefusedAsync(service, "CONFIG", "GET", "requirepass");
        await RefusedAsync(service, "CONFIG", "GET", "masterauth");
        await RefusedAsync(service, "CONFIG", "SET", "maxmemory", "1");
        await RefusedAsync(service, "ACL", "GETUSER", "default");
        // Code of its own: no script, in any form, and no function but the ones an administrator loaded.
        await RefusedAsync(service, "EVAL", "while true do end", 0);
        await RefusedAsync(service, "EVAL", "return redis.call('XADD', KEYS[1], '*', 'forged', '1')", 1, (RedisKey)foreign);
        await RefusedAsync(service, "EVALSHA", "0000000000000000000000000000000000000000", 0);
        await RefusedAsync(service, "SCRIPT", "LOAD", "return 1");
        await RefusedAsync(service, "FUNCTION", "LOAD", "#!lua name=mine\nredis.register_function('mine', function() return 1 end)");
        await RefusedAsync(service, "FUNCTION", "DELETE", MessagingFunctions.Library);
        // Streams: it publishes only to its own, and may dead-letter what it consumes; it touches no other key.
        await RefusedAsync(service, "XADD", (RedisKey)foreign, "*", "type", "OrderPlaced");
        await RefusedAsync(service, "XADD", (RedisKey)StreamNames.DeadLetter(own), "*", "forged", "1");
        await RefusedAsync(service, "XTRIM", (RedisKey)foreign, "MAXLEN", 0);
        await RefusedAsync(service, "GET", (RedisKey)RedisFixture.UniqueName("somebody-elses"));
        await RefusedAsync(service, "KEYS", "*");
        await AllowedAsync(service, "XADD", (RedisKey)own, "*", "type", "Published");
        await AllowedAsync(service, "XADD", (RedisKey)StreamNames.DeadLetter(foreign), "*", "error", "dead-lettered");
        await AllowedAsync(service, "XREADGROUP", "GROUP", "its-group", "me", "COUNT", 1, "STREAMS", (RedisKey)foreign, ">");
        await AllowedAsync(service, "FCALL", MessagingFunctions.RemoveIdleConsumers, 1, (RedisKey)foreign, "its-group", "me", 3_600_000);
    }

    [Fact]
    public async Task Console_user_reads_every_stream_and_writes_only_what_a_replay_needs()
    {
        var (stream, unrelated) = (RedisFixture.UniqueName("orders"), RedisFixture.UniqueName("cache"));
        var (user, password) = await CreateUserAsync((name, secret, streams, _) => MessagingAcl.ConsoleRules(name, secret, streams), publishes: [stream], consumes: []);
        var id = await redis.Database.StreamAddAsync(stream, "type", "OrderPlaced");
        var deadLetter = await redis.Database.StreamAddAsync(StreamNames.DeadLetter(stream), "type", "OrderPlaced");
        await redis.Database.StreamCreateConsumerGroupAsync(stream, "a-group", StreamPosition.Beginning);
        await redis.Database.StringSetAsync(unrelated, "value");
        await using var console = await AclProbe.ConnectAsync(redis.ConnectionString, user, password);

        await AllowedAsync(console, "SCAN", 0, "TYPE", "stream");
        await AllowedAsync(console, "XRANGE", (RedisKey)stream, "-", "+");
        await AllowedAsync(console, "XINFO", "GROUPS", (RedisKey)stream);
        await AllowedAsync(console, "XPENDING", (RedisKey)stream, "a-group");
        await AllowedAsync(console, "XADD", (RedisKey)stream, "*", "type", "OrderPlaced", "replays", "1");
        await AllowedAsync(console, "XDEL", (RedisKey)StreamNames.DeadLetter(stream), deadLetter);
        await RefusedAsync(console, "XDEL", (RedisKey)stream, id);
        await RefusedAsync(console, "XADD", (RedisKey)StreamNames.DeadLetter(stream), "*", "forged", "1");
        await RefusedAsync(console, "XACK", (RedisKey)stream, "a-group", id);
        await RefusedAsync(console, "XGROUP", "DESTROY", (RedisKey)stream, "a-group");
        await RefusedAsync(console, "XTRIM", (RedisKey)stream, "MAXLEN", 0);
        await RefusedAsync(console, "SET", (RedisKey)unrelated, "changed");
        await RefusedAsync(console, "DEL", (RedisKey)stream);
        await RefusedAsync(console, "CONFIG", "GET", "requirepass");
        await RefusedAsync(console, "EVAL", "return 1", 0);
        Assert.Equal("value", await redis.Database.StringGetAsync(unrelated));
    }

    private async Task<(string User, string Password)> CreateUserAsync(
        Func<string, string, IEnumerable<string>, IEnumerable<string>, IReadOnlyList<string>> rules, string[] publishes, string[] consumes)
    {
        var user = RedisFixture.UniqueName("user");
        var password = Guid.NewGuid().ToString("N");
        await redis.Database.ExecuteAsync("ACL", ["SETUSER", .. rules(user, password, publishes, consumes)]);
        _users.Add(user);
        return (user, password);
    }

    private static async Task RefusedAsync(IConnectionMultiplexer connection, string command, params object[] arguments) =>
        Assert.True(await AclProbe.RefusalAsync(connection, command, arguments) is not null,
            $"{command} {string.Join(' ', arguments)} must be refused with NOPERM, and ran");

    private static async Task AllowedAsync(IConnectionMultiplexer connection, string command, params object[] arguments)
    {
        var refusal = await AclProbe.RefusalAsync(connection, command, arguments);
        Assert.True(refusal is null, $"{command} {string.Join(' ', arguments)} must be allowed, and was refused: {refusal}");
    }
}
