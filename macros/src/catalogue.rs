//! `catalogue! { pub enum Name { Variant => Payload, … } }`: the enum over every event of a system.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, Token, Type, Visibility, braced};

pub struct CatalogueInput {
    attrs: Vec<Attribute>,
    vis: Visibility,
    ident: Ident,
    members: Punctuated<Member, Token![,]>,
}

struct Member {
    attrs: Vec<Attribute>,
    variant: Ident,
    payload: Type,
}

impl Parse for CatalogueInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        input.parse::<Token![enum]>()?;
        let ident = input.parse()?;
        let body;
        braced!(body in input);
        let members = body.parse_terminated(Member::parse, Token![,])?;
        if members.is_empty() {
            return Err(syn::Error::new(
                ident_span(&ident),
                "a catalogue needs at least one `Variant => PayloadType` line",
            ));
        }
        Ok(Self {
            attrs,
            vis,
            ident,
            members,
        })
    }
}

fn ident_span(ident: &Ident) -> proc_macro2::Span {
    ident.span()
}

impl Parse for Member {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let variant = input.parse()?;
        input.parse::<Token![=>]>()?;
        let payload = input.parse()?;
        Ok(Self {
            attrs,
            variant,
            payload,
        })
    }
}

pub fn expand(input: CatalogueInput) -> TokenStream {
    let CatalogueInput {
        attrs,
        vis,
        ident,
        members,
    } = input;
    let enum_name = ident.to_string();
    let variants: Vec<&Ident> = members.iter().map(|m| &m.variant).collect();
    let variant_attrs: Vec<&Vec<Attribute>> = members.iter().map(|m| &m.attrs).collect();
    let payloads: Vec<&Type> = members.iter().map(|m| &m.payload).collect();
    let member_names: Vec<String> = variants
        .iter()
        .map(|v| v.to_string().to_shouty_snake_case())
        .collect();
    let variant_names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    let count = members.len();
    let indices = 0..count;
    let payload_ident = format_ident!("{}Payload", ident);
    let payload_doc = format!("The payload of any member of [`{enum_name}`], typed.");

    quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #vis enum #ident {
            #( #(#variant_attrs)* #variants, )*
        }

        const _: () = {
            ::tidings::registry::assert_unique(
                &[ #( <#payloads as ::tidings::Event>::DESCRIPTOR.name ),* ],
                &[ #( #variant_names ),* ],
                "event name",
            );
            ::tidings::registry::assert_unique(
                &[ #( <#payloads as ::tidings::Event>::DESCRIPTOR.topic ),* ],
                &[ #( #variant_names ),* ],
                "topic",
            );
        };

        impl #ident {
            /// Every member, in declaration order.
            pub const ALL: &'static [Self] = &[ #( Self::#variants ),* ];

            /// The dotted event name, e.g. `assessment.result.published`.
            pub const fn as_str(self) -> &'static str {
                match self { #( Self::#variants => <#payloads as ::tidings::Event>::DESCRIPTOR.name, )* }
            }

            /// The Kafka topic.
            pub const fn topic(self) -> &'static str {
                match self { #( Self::#variants => <#payloads as ::tidings::Event>::DESCRIPTOR.topic, )* }
            }

            /// The member's name in SCREAMING_SNAKE_CASE.
            pub const fn member(self) -> &'static str {
                match self { #( Self::#variants => #member_names, )* }
            }

            /// Everything the member's contract declares.
            pub fn descriptor(self) -> &'static ::tidings::EventDescriptor {
                static DESCRIPTORS: [::tidings::EventDescriptor; #count] = [
                    #( <#payloads as ::tidings::Event>::DESCRIPTOR ),*
                ];
                match self { #( Self::#variants => &DESCRIPTORS[#indices], )* }
            }
        }

        impl ::tidings::Catalogue for #ident {
            const ALL: &'static [Self] = #ident::ALL;

            fn member(self) -> &'static str {
                #ident::member(self)
            }

            fn descriptor(self) -> &'static ::tidings::EventDescriptor {
                #ident::descriptor(self)
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for #ident {
            type Err = ::tidings::UnknownEvent;

            /// Parses a dotted event name.
            fn from_str(name: &str) -> ::core::result::Result<Self, Self::Err> {
                <Self as ::tidings::Catalogue>::from_name(name).ok_or_else(|| ::tidings::UnknownEvent {
                    name: name.to_owned(),
                    catalogue: #enum_name,
                    example: Self::ALL[0].as_str(),
                })
            }
        }

        impl ::tidings::__private::serde::Serialize for #ident {
            fn serialize<S: ::tidings::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::tidings::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::tidings::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let name = <::std::borrow::Cow<'de, str> as ::tidings::__private::serde::Deserialize>::deserialize(deserializer)?;
                name.parse().map_err(<D::Error as ::tidings::__private::serde::de::Error>::custom)
            }
        }

        #[doc = #payload_doc]
        #[allow(clippy::large_enum_variant)]
        #vis enum #payload_ident {
            #( #variants(#payloads), )*
        }

        impl #payload_ident {
            /// Decodes `data` as the payload of `member`.
            pub fn decode(member: #ident, data: ::tidings::__private::serde_json::Value) -> ::core::result::Result<Self, ::tidings::DecodeError> {
                ::core::result::Result::Ok(match member {
                    #( #ident::#variants => Self::#variants(::tidings::decode::from_value(data)?), )*
                })
            }

            /// Decodes JSON bytes as the payload of `member`.
            pub fn decode_slice(member: #ident, data: &[u8]) -> ::core::result::Result<Self, ::tidings::DecodeError> {
                ::core::result::Result::Ok(match member {
                    #( #ident::#variants => Self::#variants(::tidings::decode::from_slice(data)?), )*
                })
            }

            /// The member this payload belongs to.
            pub fn member(&self) -> #ident {
                match self { #( Self::#variants(_) => #ident::#variants, )* }
            }

            /// The partition key, as the member's contract declares it.
            pub fn partition_key(&self) -> ::tidings::PartitionKey<'_> {
                match self { #( Self::#variants(payload) => <#payloads as ::tidings::Event>::partition_key(payload), )* }
            }

            /// Checks the payload against its contract's constraints.
            pub fn validate(&self) -> ::core::result::Result<(), ::tidings::ValidationError> {
                match self { #( Self::#variants(payload) => <#payloads as ::tidings::Event>::validate(payload), )* }
            }
        }

        impl ::tidings::CataloguePayload for #payload_ident {
            type Member = #ident;

            fn decode(member: #ident, data: ::tidings::__private::serde_json::Value) -> ::core::result::Result<Self, ::tidings::DecodeError> {
                #payload_ident::decode(member, data)
            }

            fn member(&self) -> #ident {
                #payload_ident::member(self)
            }

            fn validate(&self) -> ::core::result::Result<(), ::tidings::ValidationError> {
                #payload_ident::validate(self)
            }

            fn partition_key(&self) -> ::tidings::PartitionKey<'_> {
                #payload_ident::partition_key(self)
            }
        }

        impl ::tidings::__private::serde::Serialize for #payload_ident {
            fn serialize<S: ::tidings::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self { #( Self::#variants(payload) => ::tidings::__private::serde::Serialize::serialize(payload, serializer), )* }
            }
        }

        #(
            impl ::core::convert::From<#payloads> for #payload_ident {
                fn from(payload: #payloads) -> Self {
                    Self::#variants(payload)
                }
            }
        )*

        impl ::tidings::__private::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#enum_name)
            }

            fn json_schema(_: &mut ::tidings::__private::schemars::SchemaGenerator) -> ::tidings::__private::schemars::Schema {
                ::tidings::registry::catalogue_schema::<Self>()
            }
        }
    }
}
