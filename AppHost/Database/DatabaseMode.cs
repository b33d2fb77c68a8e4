namespace Shop.AppHost.Database;

/// <summary>Where the services keep their state; chosen with the <c>Database:Mode</c> setting.</summary>
internal enum DatabaseMode
{
    /// <summary>A SQLite file per service in <c>Shop:DataDirectory</c>: nothing to install, one machine.</summary>
    Sqlite,

    /// <summary>
    /// A PostgreSQL server run by the AppHost (a container when a Docker engine answers, else a local <c>postgres</c>
    /// process; <c>Database:Server</c> chooses), a database and a user per service, every service scaled out.
    /// </summary>
    Postgres,

    /// <summary>Your own PostgreSQL: <c>ConnectionStrings:orderdb</c>, <c>inventorydb</c> and <c>notificationdb</c>.</summary>
    External,
}
