using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shop.Messaging.Publishing;
using Shop.Messaging.Retention;
using Shop.Messaging.Security;
using Shop.Messaging.Tests.Support;
using StackExchange.Redis;

namespace Shop.Messaging.Tests;

/// <summary>The least-privilege ACL of <see cref="MessagingAcl"/> (what the AppHost gives each service) is enough for everything the bus does.</summary>
public sealed class AclTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Bus_runs_as_a_least_privilege_ACL_user_without_a_single_refused_command()
    {
        var stream = RedisFixture.UniqueName("orders");
        var user = RedisFixture.UniqueName("svc");
        var password = Guid.NewGuid().ToString("N");
        await redis.Database.ExecuteAsync("ACL", ["SETUSER", .. MessagingAcl.UserRules(user, password, [stream])]);
        try
        {
            var options = ConfigurationOptions.Parse(redis.ConnectionString);
            options.User = user;
            options.Password = password;
            options.AllowAdmin = false;
            var probe = new HandlerProbe();
            using var host = TestBus.Build(redis, stream, probe,
                settings: new Dictionary<string, string?> { ["Messaging:StatsInterval"] = "00:00:00.100", ["Messaging:TrimInterval"] = "1.00:00:00" },
                configure: builder => builder.Logging.AddFakeLogging(),
                connectionString: options.ToString(includePassword: true));
            await host.StartAsync(TestContext.Current.CancellationToken);

            var publisher = host.Services.GetRequiredService<IEventPublisher>();
            await publisher.PublishAsync(new ThingHappened("allowed", 1), TestContext.Current.CancellationToken);
            await new StreamProbe(redis, stream).AddRawAsync(data: "{broken");
            await Wait.UntilAsync(() => probe.Completed.Count == 1, Timeout, "the event handled");
            await Wait.UntilAsync(async () => await redis.Database.StreamLengthAsync($"{stream}:dead-letter") == 1, Timeout, "the dead letter");
            await host.Services.GetRequiredService<StreamTrimmer>().TrimAsync(stream);
            await host.StopAsync(TestContext.Current.CancellationToken);

            var complaints = host.Services.GetFakeLogCollector().GetSnapshot()
                .Where(record => record.Level >= LogLevel.Warning && record.Message.Contains("Dead-lettered", StringComparison.Ordinal) is false).ToList();
            Assert.True(complaints.Count == 0, string.Join(Environment.NewLine, complaints.Select(record => $"{record.Level}: {record.Message} {record.Exception?.Message}")));
            var refused = (await AclLog.RefusalsAsync(redis.Connection)).Where(refusal => refusal.StartsWith($"{user}:", StringComparison.Ordinal)).ToList();
            Assert.True(refused.Count == 0, string.Join(Environment.NewLine, refused));
        }
        finally
        {
            await redis.Database.ExecuteAsync("ACL", "DELUSER", user);
        }
    }
}
