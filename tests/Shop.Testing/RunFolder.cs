namespace Shop.Testing;

/// <summary>
/// The folder of one test's world (the services' SQLite files and logs): removed afterwards, unless
/// <c>SHOP_TEST_KEEP=1</c> asks to keep it for reading after the run (the test's output then says where it is).
/// </summary>
public static class RunFolder
{
    public static string Create(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static void Remove(string directory)
    {
        if (Environment.GetEnvironmentVariable("SHOP_TEST_KEEP") == "1")
        {
            Xunit.TestContext.Current.TestOutputHelper?.WriteLine($"Logs and databases kept in {directory}");
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is closing; the OS cleans temporary folders.
        }
    }
}
