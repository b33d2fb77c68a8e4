namespace Shop.ChaosTests.Support;

/// <summary>What a chaos test writes to its output: the fault it injected, and each thing it checked afterwards.</summary>
public static class ChaosReport
{
    public static void Injected(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"injected: {what}");

    public static void Checked(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"checked: {what}");
}
