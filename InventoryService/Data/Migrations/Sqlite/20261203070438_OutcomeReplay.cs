using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.InventoryService.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutcomeReplay : Migration
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

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_CausationId",
                table: "outbox_messages",
                column: "CausationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_CausationId",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "CausationId",
                table: "outbox_messages");
        }
    }
}
