using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Shop.Messaging.Events;
using Shop.StreamsConsole.Tests.Support;
using StackExchange.Redis;
using static Microsoft.Playwright.Assertions;

namespace Shop.StreamsConsole.Tests;

/// <summary>
/// The console in a real browser against real Redis and the real services: what it shows is what Redis holds, it
/// updates by itself while the page is open, and a dead letter replayed after a fix ends the order's saga once. One
/// browser for these tests (the HTTP-only <see cref="ConsoleApiTests"/> never start one); each test's world (Redis,
/// services, console) is its own.
/// </summary>
public sealed class ConsoleBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly LocatorAssertionsToHaveCountOptions Eventually = new() { Timeout = 60_000 };

    [Fact]
    public async Task Poison_entry_appears_on_the_open_dead_letter_page_with_its_error_and_a_replay_of_it_comes_back_counted()
    {
        await using var world = await ConsoleWorld.StartAsync(allowReplay: true);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(world.Page("#/dead-letters"));
        await Expect(page.GetByText("No dead letters.")).ToBeVisibleAsync();

        var poison = await world.Database.StreamAddAsync("orders",
        [
            new(EntryFields.Id, "not-a-guid"), new(EntryFields.Type, "OrderPlaced"), new(EntryFields.Data, "{}"),
            new(EntryFields.OccurredAt, "2026-12-03T10:00:00Z"), new(EntryFields.Source, "a-test"),
        ]);

        // Both groups that read 'orders' give up on it at once, each with its own dead letter; the page was not reloaded.
        var rows = page.GetByTestId("dead-letter-row");
        await Expect(rows).ToHaveCountAsync(2, Eventually);
        foreach (var row in await rows.AllAsync())
        {
            await Expect(row.GetByTestId("error")).ToContainTextAsync("The 'id' field is not a GUID: 'not-a-guid'");
            await Expect(row).ToContainTextAsync((string)poison!);
        }

        await Expect(page.Locator("table[data-testid=dead-letters]")).ToContainTextAsync("inventory-service");
        await Expect(page.Locator("table[data-testid=dead-letters]")).ToContainTextAsync("notification-service");
        await Screenshots.SaveAsync(page, "console-dead-letters");

        // Replayed without a fix, it fails again: both groups dead-letter it again, and the copies say it came back once.
        await rows.First.GetByTestId("replay").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3, Eventually);
        await Expect(page.GetByTestId("replays")).ToHaveCountAsync(2, Eventually);
        await Expect(page.GetByTestId("replays").First).ToHaveTextAsync("replayed 1×");

        await page.GotoAsync(world.Page("#/streams/orders"));
        await Expect(page.Locator($"[data-testid=entry-row][data-id='{poison}']")).ToContainTextAsync("not-a-guid");
        await Screenshots.SaveAsync(page, "console-stream");
        await page.GotoAsync(world.Page("#/"));
        await Expect(page.Locator("[data-testid=stream-row][data-stream=orders] td").Last).ToHaveTextAsync("3");
        await Screenshots.SaveAsync(page, "console-streams");        Assert.Empty(await world.ConsoleRefusalsAsync()); // its own Redis user was enough for every page and the replay
        Assert.Empty(browser.PolicyViolations(page)); // the page needs nothing its Content-Security-Policy forbids
    }

    [Fact]
    public async Task Order_whose_reservation_kept_failing_is_replayed_after_the_fix_and_ends_confirmed_with_one_reservation()
    {
        await using var world = await ConsoleWorld.StartAsync(new Dictionary<string, string>
        {
            ["Messaging__HandlerAttempts"] = "1",
            ["Messaging__MaxDeliveries"] = "2",
            ["Messaging__ReclaimAfter"] = "00:00:01",
            // No re-drive from the saga's deadlines: only the replay may bring this order on.
            ["Orders__ReservationTimeout"] = "00:10:00",
        }, allowReplay: true);
        var reservedBefore = await world.ReservedAsync("SKU-002");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(world.Page("#/dead-letters"));

        // The fault: the inventory database lost its reservations table (a botched manual migration), so every
        // reservation fails at once, on every delivery, until the entry is dead-lettered.
        await using var inventoryDb = new SqliteConnection($"Data Source={world.DatabaseFile("inventory.db")}");
        await inventoryDb.OpenAsync(TestContext.Current.CancellationToken);
        await ExecuteAsync(inventoryDb, "ALTER TABLE reservations RENAME TO reservations_moved_away;");
        var orderId = await world.PlaceOrderAsync("replay-me", "SKU-002", 3);
        await Expect(page.GetByTestId("dead-letter-row")).ToHaveCountAsync(1, Eventually);
        await Expect(page.GetByTestId("dead-letter-row")).ToContainTextAsync("inventory-service");
        await Expect(page.GetByTestId("error")).ToContainTextAsync("no such table: reservations");
        Assert.Equal("Pending", (await world.OrderAsync(orderId)).GetProperty("status").GetString());

        // The fix.
        await ExecuteAsync(inventoryDb, "ALTER TABLE reservations_moved_away RENAME TO reservations;");

        var eventId = await page.GetByTestId("dead-letter-row").GetAttributeAsync("data-event-id");
        // The dead letter's traceparent leads to the order's trace in the dashboard.
        var traceParent = (string)(await world.Database.StreamRangeAsync("orders:dead-letter")).Single()[EntryFields.TraceParent]!;
        await Expect(page.GetByTestId("trace-link")).ToHaveAttributeAsync("href", $"{ConsoleWorld.DashboardUrl}/traces/detail/{traceParent.Split('-')[1]}");
        await Screenshots.SaveAsync(page, "console-replay");
        await page.GetByTestId("replay").ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("Replayed 1 entry");
        await Expect(page.GetByTestId("dead-letter-row")).ToHaveCountAsync(0, Eventually);
        await Expect(page.Locator("#notice")).ToContainTextAsync("Replayed 1 entry");

        await Wait.UntilAsync(async () => (await world.OrderAsync(orderId)).TryGetProperty("notifiedAt", out var notified)
                                          && notified.ValueKind == System.Text.Json.JsonValueKind.String, Timeout, "the replayed order confirmed and notified");
        Assert.Equal("Confirmed", (await world.OrderAsync(orderId)).GetProperty("status").GetString());
        Assert.Equal(reservedBefore + 3, await world.ReservedAsync("SKU-002"));
        Assert.Equal(1, await world.NotificationsForAsync(orderId));
        var replayed = (await world.Database.StreamRangeAsync("orders")).Where(entry => entry[EntryFields.Id] == eventId).ToList();
        Assert.Equal(2, replayed.Count); // the original OrderPlaced and its replay, with the same event id
        Assert.Equal("1", (string?)replayed[^1][EntryFields.Replays]);        Assert.Empty(await world.ConsoleRefusalsAsync());
        Assert.Empty(browser.PolicyViolations(page));
    }

    [Fact]
    public async Task Pending_entries_of_a_stopped_consumer_grow_idle_are_marked_for_take_over_and_then_move_to_a_live_consumer()
    {
        await using var world = await ConsoleWorld.StartAsync(new Dictionary<string, string> { ["Messaging__ReclaimAfter"] = "00:00:04" });
        var inventory = world.Services.Inventory[0];
        inventory.Kill();
        var orders = new[] { await world.PlaceOrderAsync("taken-over", "SKU-003", 1), await world.PlaceOrderAsync("taken-over", "SKU-004", 1) };
        await Wait.UntilAsync(async () => (await world.Database.StreamRangeAsync("orders")).Count(entry => entry[EntryFields.Type] == "OrderPlaced") == 2,
            Timeout, "both OrderPlaced in the orders stream");
        // A consumer that reads and then dies before acknowledging: its entries stay pending under its name.
        var read = await world.Database.StreamReadGroupAsync("orders", "inventory-service", "inventoryservice-gone", ">", count: 10);
        Assert.Equal(2, read.Length);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(world.Page("#/streams/orders/groups"));
        var gone = page.Locator("[data-testid=group][data-group=inventory-service] [data-testid=pending-row][data-consumer=inventoryservice-gone]");
        await Expect(gone).ToHaveCountAsync(2);
        var idleAtFirst = long.Parse((await gone.First.GetByTestId("pending-idle").GetAttributeAsync("data-ms"))!, System.Globalization.CultureInfo.InvariantCulture);
        await Wait.UntilAsync(async () => long.Parse((await gone.First.GetByTestId("pending-idle").GetAttributeAsync("data-ms"))!,
            System.Globalization.CultureInfo.InvariantCulture) > idleAtFirst + 1000, Timeout, "the idle time to grow on the open page");
        await Expect(gone.First.GetByTestId("takeover")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "console-groups");

        await inventory.StartAsync();
        await Expect(gone).ToHaveCountAsync(0, Eventually);
        await Expect(page.Locator("[data-testid=consumer-row][data-consumer=inventoryservice-gone] [data-testid=consumer-pending]")).ToHaveTextAsync("0");
        foreach (var orderId in orders)
        {
            await Wait.UntilAsync(async () => (await world.OrderAsync(orderId)).GetProperty("status").GetString() == "Confirmed", Timeout,
                $"order {orderId} confirmed by the consumer that took its entry over");
        }
        Assert.Empty(await world.ConsoleRefusalsAsync());
        Assert.Empty(browser.PolicyViolations(page));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
