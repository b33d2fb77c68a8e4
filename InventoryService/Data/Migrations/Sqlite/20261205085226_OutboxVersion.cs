using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.InventoryService.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "outbox_messages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                table: "outbox_messages");
        }
    }
}
