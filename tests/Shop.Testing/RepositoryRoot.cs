namespace Shop.Testing;

/// <summary>The folder that holds <c>Shop.slnx</c>, found upwards from the running assembly (tests and bench alike).</summary>
public static class RepositoryRoot
{
    public static string? Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Shop.slnx")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
