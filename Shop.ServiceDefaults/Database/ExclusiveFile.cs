namespace Shop.ServiceDefaults;

/// <summary>A file held open with no sharing: a lock between the processes of one machine, released when disposed or when the process dies.</summary>
internal static class ExclusiveFile
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Opens <paramref name="path"/> for this process alone, waiting while another holds it. The file stays on disk:
    /// deleting a lock file on release would let a waiter lock a file that the next comer no longer finds.
    /// </summary>
    public static async Task<FileStream> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // Held by another instance: it is migrating; the wait is as long as its migration.
                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
