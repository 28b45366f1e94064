//! Turns a validated [`Contract`] into the `Event` impl, or a placeholder impl when the contract
//! had errors (so the user sees the real error, not a cascade of "Event is not implemented").

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use crate::attr::{Fallback, FieldPath};
use crate::validate::{Contract, Key};

pub fn expand(contract: &Contract) -> TokenStream {
    let Contract {
        ident,
        doc,
        name,
        topic,
        version,
        namespace,
        ..
    } = contract;
    let type_name = ident.to_string();
    let compatibility = format_ident!("{}", contract.compatibility);
    let cleanup_policy = match contract.cleanup_policy {
        Some(policy) => {
            let variant = format_ident!("{policy}");
            quote!(::core::option::Option::Some(::tidings::CleanupPolicy::#variant))
        }
        None => quote!(::core::option::Option::None),
    };
    let retention_ms = match contract.retention_ms {
        Some(ms) => quote!(::core::option::Option::Some(#ms)),
        None => quote!(::core::option::Option::None),
    };
    let count = |n: Option<u32>| match n {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let partitions = count(contract.partitions);
    let replication_factor = count(contract.replication_factor);
    let rich_counterpart = match &contract.rich {
        Some(rich) => quote!(::core::option::Option::Some(<#rich as ::tidings::Event>::NAME)),
        None => quote!(::core::option::Option::None),
    };
    let key_spec = key_spec(&contract.key);
    let key_body = key_body(&contract.key);
    let line = quote_spanned!(ident.span()=> line!());
    let thin_impl = contract.rich.as_ref().map(|rich| {
        quote! {
            impl ::tidings::ThinEvent for #ident {
                type Rich = #rich;
            }
        }
    });

    quote! {
        impl ::tidings::Event for #ident {
            const DESCRIPTOR: ::tidings::EventDescriptor = ::tidings::EventDescriptor {
                name: #name,
                topic: #topic,
                version: #version,
                type_name: #type_name,
                description: #doc,
                key: #key_spec,
                compatibility: ::tidings::Compatibility::#compatibility,
                topic_config: ::tidings::TopicConfig {
                    cleanup_policy: #cleanup_policy,
                    retention_ms: #retention_ms,
                    partitions: #partitions,
                    replication_factor: #replication_factor,
                },
                avro_namespace: #namespace,
                rich_counterpart: #rich_counterpart,
                source: ::tidings::SourceLocation { file: ::core::file!(), line: #line },
                json_schema: ::tidings::schema::json_schema_of::<Self>,
                avro_schema: ::tidings::schema::avro_schema_of::<Self>,
            };

            fn partition_key(&self) -> ::tidings::PartitionKey<'_> {
                #key_body
            }
        }
        #thin_impl
    }
}

/// An impl with placeholder values, emitted next to the compile errors.
pub fn fallback(ident: &Ident) -> TokenStream {
    let type_name = ident.to_string();
    quote! {
        impl ::tidings::Event for #ident {
            const DESCRIPTOR: ::tidings::EventDescriptor = ::tidings::EventDescriptor {
                name: "",
                topic: "",
                version: 0,
                type_name: #type_name,
                description: "",
                key: ::tidings::KeySpec::Function { path: "" },
                compatibility: ::tidings::Compatibility::None,
                topic_config: ::tidings::TopicConfig { cleanup_policy: ::core::option::Option::None, retention_ms: ::core::option::Option::None, partitions: ::core::option::Option::None, replication_factor: ::core::option::Option::None },
                avro_namespace: "",
                rich_counterpart: ::core::option::Option::None,
                source: ::tidings::SourceLocation { file: ::core::file!(), line: 0 },
                json_schema: ::tidings::schema::json_schema_of::<Self>,
                avro_schema: ::tidings::schema::avro_schema_of::<Self>,
            };

            fn partition_key(&self) -> ::tidings::PartitionKey<'_> {
                ::tidings::PartitionKey::from_static("")
            }
        }
    }
}

fn key_spec(key: &Key) -> TokenStream {
    match key {
        Key::Function(path) => {
            let text = quote!(#path).to_string().replace(' ', "");
            quote!(::tidings::KeySpec::Function { path: #text })
        }
        Key::Field { path, fallback } => {
            let dotted = path.dotted();
            let fallback = match fallback {
                None => quote!(::core::option::Option::None),
                Some(Fallback::Path(other)) => {
                    let other = other.dotted();
                    quote!(::core::option::Option::Some(::tidings::KeyFallback::Field(#other)))
                }
                Some(Fallback::Literal(lit)) => {
                    quote!(::core::option::Option::Some(::tidings::KeyFallback::Literal(#lit)))
                }
            };
            quote!(::tidings::KeySpec::Field { path: #dotted, fallback: #fallback })
        }
    }
}

/// `&self.a.b`, spanned on the attribute's own tokens so type errors point at what the user wrote.
fn field_access(path: &FieldPath) -> TokenStream {
    let segments = &path.segments;
    quote_spanned!(path.span()=> &self.#(#segments).*)
}

fn key_body(key: &Key) -> TokenStream {
    match key {
        Key::Function(path) => {
            quote_spanned!(syn::spanned::Spanned::span(path)=> ::tidings::PartitionKey::from(#path(self)))
        }
        Key::Field {
            path,
            fallback: None,
        } => {
            let access = field_access(path);
            quote_spanned!(path.span()=> ::tidings::PartitionKey::of(#access))
        }
        Key::Field {
            path,
            fallback: Some(fallback),
        } => {
            let access = field_access(path);
            let otherwise = match fallback {
                Fallback::Path(other) => {
                    let other_access = field_access(other);
                    quote_spanned!(other.span()=> ::tidings::PartitionKey::of(#other_access))
                }
                Fallback::Literal(lit) => quote!(::tidings::PartitionKey::from_static(#lit)),
            };
            quote_spanned! {path.span()=>
                match #access {
                    ::core::option::Option::Some(value) => ::tidings::PartitionKey::of(value),
                    ::core::option::Option::None => #otherwise,
                }
            }
        }
    }
}
