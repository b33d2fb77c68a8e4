using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.OrderService.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SagaDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CausationId",
                table: "outbox_messages",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Redrives",
                table: "orders",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "StatusChangedAt",
                table: "orders",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<Guid>(
                name: "StatusEventId",
                table: "orders",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "orders",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            // Orders placed before this migration: their status dates from their last change, and gets an event id of
            // its own (a re-drive then announces it with that id; EF Core stores a Guid as upper-case text on SQLite).
            migrationBuilder.Sql(
                "UPDATE orders SET StatusChangedAt = UpdatedAt, StatusEventId = upper(" +
                "substr(hex(randomblob(4)), 1, 8) || '-' || substr(hex(randomblob(2)), 1, 4) || '-' || substr(hex(randomblob(2)), 1, 4) || '-' || " +
                "substr(hex(randomblob(2)), 1, 4) || '-' || substr(hex(randomblob(6)), 1, 12))");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_CausationId",
                table: "outbox_messages",
                column: "CausationId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_Status_UpdatedAt",
                table: "orders",
                columns: new[] { "Status", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_CausationId",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "IX_orders_Status_UpdatedAt",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "CausationId",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "Redrives",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "StatusChangedAt",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "StatusEventId",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "orders");
        }
    }
}
