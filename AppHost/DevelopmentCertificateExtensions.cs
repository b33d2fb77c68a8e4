namespace Shop.AppHost;

internal static class DevelopmentCertificateExtensions
{
    /// <summary>
    /// The resource serves no TLS here (plain HTTP, plain Redis on loopback), so Aspire need not hand it the ASP.NET
    /// Core development certificate. Aspire gives every project such a hand-over by default, and as long as one resource
    /// has it, the dashboard opens with a red "No trusted development certificate" notice on a machine without a trusted
    /// one — about a certificate nothing here uses.
    /// </summary>
    public static IResourceBuilder<TResource> WithoutDevelopmentCertificate<TResource>(this IResourceBuilder<TResource> resource)
        where TResource : IResourceWithEnvironment, IResourceWithArgs
    {
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13.6; the one way to say "no certificate" per resource.
        return resource.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
    }
}
