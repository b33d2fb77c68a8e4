using DotNet.Testcontainers.Containers;

namespace Shop.Testing;

/// <summary>The fixtures' Docker path: a Testcontainers container when a Docker engine answers, else null (the next option).</summary>
internal static class DockerContainers
{
    /// <summary>
    /// Builds and starts a container, giving it two minutes. Null when Docker is not to be used
    /// (<c>SHOP_TEST_NO_DOCKER=1</c>) or does not answer — unless <see cref="RedisFixture.DockerRequired"/>, where a
    /// container that does not start fails the run.
    /// </summary>
    public static async Task<TContainer?> TryStartAsync<TContainer>(Func<TContainer> build)
        where TContainer : class, IContainer
    {
        if (Environment.GetEnvironmentVariable("SHOP_TEST_NO_DOCKER") == "1" && !RedisFixture.DockerRequired)
        {
            return null;
        }

        try
        {
            var container = build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await container.StartAsync(timeout.Token);
            return container;
        }
        // Any failure here means "no usable Docker"; the next option is tried, unless Docker is required.
        catch (Exception) when (!RedisFixture.DockerRequired)
        {
            return null;
        }
    }
}
